// `trading-events consumers`: checks the contract against every consumer manifest: what each
// consumer rejects that the contract allows (with a message), what it reads that the contract
// does not guarantee, and what it subscribes to that does not exist.
import { parseArgs } from "node:util";
import {
  type ContractChannel,
  checkConsumer,
  contractChannels,
  defaultConsumersDir,
  formatConsumerReports,
  ManifestError,
  packageContractChannels,
  readManifests,
} from "../consumers/index.js";
import { defaultReleasedDir, readSpec, SpecDocumentError } from "../contract/compatibility/index.js";
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from "./io.js";

export const consumersHelp = `Usage: trading-events consumers [--json] [--consumers <dir>] [--contract <spec|version>]

Checks the contract against each consumer's manifest (contracts/consumers/<service>.yaml):
(a) messages the contract allows that the consumer rejects, each with a concrete message that the
package's validators accept; (b) fields it reads that the contract does not guarantee (optional
or nullable); (c) channels and addresses it subscribes to that the contract does not have.
Differences listed under a subscription's "accepted" are reported and do not fail.

  --json                the reports as JSON
  --consumers <dir>     the manifests (default: the package's contracts/consumers)
  --contract <c>        a spec file or a released version (default: the package's own contract)
  --released-dir <d>    where released contracts are kept (default: the package's contracts/released)

Exit 0 when every difference is accepted, 1 when one is not (or a subscription is unknown), 2 on a
usage error or a malformed manifest (file:line:column: what is wrong).`;

export async function consumersCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      consumers: { type: "string" },
      contract: { type: "string" },
      "released-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(consumersHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`);
  let reports: ReturnType<typeof checkConsumer>[];
  try {
    const channels = contractFor(values.contract, values["released-dir"] ?? defaultReleasedDir());
    reports = readManifests(values.consumers ?? defaultConsumersDir()).map((m) => checkConsumer(m, channels));
  } catch (error) {
    if (error instanceof ManifestError || error instanceof SpecDocumentError)
      throw new UsageError(error.message);
    throw error;
  }
  const lines = values.json ? [JSON.stringify(reports, null, 2)] : formatConsumerReports(reports);
  for (const line of lines) io.stdout(line);
  return reports.every((r) => r.ok) ? EXIT_OK : EXIT_FAILURE;
}

function contractFor(contract: string | undefined, releasedDir: string): Map<string, ContractChannel> {
  // The package's own contract is also checked with its generated validators.
  return contract === undefined
    ? packageContractChannels()
    : contractChannels(readSpec(contract, releasedDir));
}
