// `trading-events diff <old> <new>`: is the new contract compatible with the old one, in both directions?
import { parseArgs } from "node:util";
import {
  type ConsumerManifest,
  defaultConsumersDir,
  formatDifferences,
  ManifestError,
  readManifests,
  withConsumers,
} from "../consumers/index.js";
import {
  compareContracts,
  defaultReleasedDir,
  formatMarkdown,
  formatReport,
  readSpec,
  readWitnessFile,
  SpecDocumentError,
  type WitnessMessage,
} from "../contract/compatibility/index.js";
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from "./io.js";

export const diffHelp = `Usage: trading-events diff <old> <new> [--json | --markdown] [--messages <file.jsonl>]

Compares two contracts down into every payload schema and classifies each change in both
directions: backward (can consumers of <old> read what producers of <new> send?) and forward
(can consumers of <new> read what producers of <old> send?). Examples of both specs, and the
recorded messages of --messages, are also run through both contracts' validators.

  <old>, <new>       a spec file (asyncapi.yaml) or a released version (0.1.0)
  --json             the report as JSON
  --markdown         one CHANGELOG line per change
  --messages <file>  recorded messages, one JSON object a line: {"id","channel","wire","expect"}
  --released-dir <d> where released contracts are kept (default: the package's contracts/released)
  --consumers <dir>  consumer manifests (default: the package's contracts/consumers): each breaking
                     change names the consumers it breaks ("no declared consumer" otherwise), and
                     each consumer's differences with <new> are listed, NEW when <old> had none

Exit 0 when compatible (or unchanged), 1 when a change breaks (a consumer too: a new difference
its manifest does not accept), 2 on a usage error or a malformed manifest.`;

export async function diffCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      markdown: { type: "boolean", default: false },
      messages: { type: "string" },
      "released-dir": { type: "string" },
      consumers: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(diffHelp);
    return EXIT_OK;
  }
  const [oldName, newName, ...rest] = positionals;
  if (oldName === undefined || newName === undefined)
    throw new UsageError("diff needs two contracts: <old> <new>");
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);
  if (values.json && values.markdown) throw new UsageError("--json and --markdown exclude each other");
  const releasedDir = values["released-dir"] ?? defaultReleasedDir();

  let report: ReturnType<typeof withConsumers>;
  try {
    const messages: WitnessMessage[] = values.messages ? readWitnessFile(values.messages) : [];
    const manifests: ConsumerManifest[] = readManifests(values.consumers ?? defaultConsumersDir());
    const [oldDoc, newDoc] = [readSpec(oldName, releasedDir), readSpec(newName, releasedDir)];
    report = withConsumers(compareContracts(oldDoc, newDoc, { messages }), oldDoc, newDoc, manifests);
  } catch (error) {
    if (error instanceof SpecDocumentError || error instanceof ManifestError)
      throw new UsageError(error.message);
    throw error;
  }
  const consumersOf = (f: object) => (f as { consumers: readonly string[] }).consumers;
  const lines = values.json
    ? [JSON.stringify(report, null, 2)]
    : values.markdown
      ? formatMarkdown(report)
      : [...formatReport(report, consumersOf), ...consumerLines(report)];
  for (const line of lines) io.stdout(line);
  return report.breaking || report.breaksConsumers ? EXIT_FAILURE : EXIT_OK;
}

/** The consumers' part of the readable report: nothing when the contracts are the same. */
function consumerLines(report: ReturnType<typeof withConsumers>): string[] {
  if (!report.changed && report.findings.length === 0) return [];
  return ["", ...formatDifferences(report.consumerDifferences, true)];
}
