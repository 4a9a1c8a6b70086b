// The docs' "Producers and consumers" section, and the consumer manifests as an input of the
// generator: a changed manifest makes generated/docs stale, a malformed one fails the generator.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerReports, readManifestsForDocs } from "../../scripts/generator/consumer-docs-model.js";
import { renderConsumersSection } from "../../scripts/generator/emit-consumer-docs.js";
import { type ContractModel, loadSpec } from "../../scripts/generator/load-spec.js";
import { productionSteps } from "../../scripts/generator/steps.js";
import { readManifests } from "../../src/consumers/index.js";

const root = resolve(import.meta.dirname, "../..");
const specText = readFileSync(join(root, "asyncapi.yaml"), "utf8");
const scratch = mkdtempSync(join(tmpdir(), "consumer-docs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let model: ContractModel;
beforeAll(async () => {
  model = await loadSpec(specText);
});

const sections = new Map<string, string>();
/** The section for a directory of manifests, rendered once. */
function section(dir: string): string {
  const manifests = readManifests(dir);
  if (!sections.has(dir))
    sections.set(dir, renderConsumersSection(model, manifests, consumerReports(model, manifests)));
  return sections.get(dir) as string;
}
const docsStep = (consumersDir: string) =>
  productionSteps(consumersDir)[0] as (
    m: ContractModel,
  ) => Promise<{ contents: string }[]> | { contents: string }[];
const channelBlock = (html: string, address: string) =>
  html.slice(html.indexOf(`<h3><code>${address}</code></h3>`)).split("<h3>")[1] ?? "";

describe("Producers and consumers in the docs", () => {
  it.each([
    ["price.updated.{symbol}", "market-data-service", "<code>operations</code>, <code>web-console</code>"],
    ["signals.generated", "signal-service", "<code>operations</code>"],
    ["orders.executed", "execution-gateway", "<code>operations</code>"],
  ])("%s: who produces and who consumes it", (address, producer, consumers) => {
    const block = channelBlock(section(join(root, "contracts/consumers")), address);
    expect(block).toContain(`<dt>Produced by</dt><dd><code>${producer}</code></dd>`);
    expect(block).toContain(`<dt>Consumed by</dt><dd>${consumers}</dd>`);
  });

  it("web-console's narrowing: each rule, a message the contract allows, and why it is accepted", () => {
    const block = channelBlock(section(join(root, "contracts/consumers")), "price.updated.{symbol}");
    expect(block).toContain(
      "<h4>web-console</h4>\n<p>SUBSCRIBE, one address at a time; reads <code>/symbol</code>, <code>/price</code>.</p>",
    );
    expect(block).toMatch(
      /<code>\/price<\/code><\/td><td><code>not<\/code>.*&quot;price&quot;:&quot;0&quot;.*accepted: Known since issue 20/,
    );
    expect(block).toMatch(/<code>\/symbol<\/code><\/td><td><code>pattern<\/code>.*price\.updated\.SPY\/AAPL/);
    // Code spans in a `why` become <code>, as elsewhere on the page: no literal backtick.
    expect(block).toContain("<code>BTC/USD</code>");
    expect(block).not.toContain("`");
  });

  it("a consumer with differences not accepted, a pattern and listed addresses", () => {
    const html = section(join(root, "test/consumers/manifests"));
    const prices = channelBlock(html, "price.updated.{symbol}");
    expect(prices).toContain(
      "<h4>risk-monitor</h4>\n<p>SUBSCRIBE to <code>price.updated.AAPL</code>, <code>price.updated.BRK.B</code> only;",
    );
    expect(prices).toMatch(/<code>\/bid<\/code><\/td><td><code>nullable<\/code>.*<td>not accepted<\/td>/);
    expect(prices).toContain("<h4>tape-recorder</h4>\n<p>PSUBSCRIBE on the channel's pattern;");
    expect(channelBlock(html, "positions.updated")).toContain("Accepts every message the contract allows");
  });
});

describe("consumer manifests are an input of npm run generate", () => {
  it("a changed manifest changes what the docs step emits, so check:generated finds docs/index.html stale", async () => {
    const dir = join(scratch, "changed");
    cpSync(join(root, "contracts/consumers"), dir, { recursive: true });
    const manifest = join(dir, "web-console.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("maxLength: 10", "maxLength: 12"));
    // One render (seconds): the step reads the manifests it is given, and the committed page has the old rule.
    const emitted = (await docsStep(dir)(model))[0]?.contents ?? "";
    const committed = readFileSync(join(root, "generated/docs/index.html"), "utf8");
    expect(emitted).toContain("/symbol must NOT have more than 12 characters");
    expect(committed).toContain("/symbol must NOT have more than 10 characters");
    expect(emitted).not.toBe(committed);
  });

  it("a malformed manifest fails the generator with its file and line", () => {
    const dir = join(scratch, "malformed");
    cpSync(join(root, "contracts/consumers"), dir, { recursive: true });
    writeFileSync(join(dir, "web-console.yaml"), "consumer: web-console\nsubscriptions: {}\n");
    expect(() => readManifestsForDocs(dir)).toThrow(/web-console\.yaml:2:16: \/subscriptions: must be array/);
  });
});
