// The published HTML docs as a reader sees them: generated/docs/index.html opened from file:// in
// Debian's Chromium, with every channel, parameter, payload field and example visible, no
// console error and no request beyond the file itself. Saves screenshots to test-results/.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelNames, channels } from "../../generated/index.js";

const root = resolve(import.meta.dirname, "../..");
const docsUrl = pathToFileURL(join(root, "generated/docs/index.html")).href;
const resultsDir = join(root, "test-results");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
/** Generous: hydrating a 2.7 MB page on a loaded 2-core machine can take seconds. */
const waitMs = 30_000;

/** Every top-level payload field of a channel's message, from the generated JSON Schema. */
function payloadFields(messageName: string): string[] {
  const schema = JSON.parse(readFileSync(join(root, `generated/schemas/${messageName}.schema.json`), "utf8"));
  return Object.keys(schema.properties as Record<string, unknown>);
}

let browser: Browser | undefined;
let page: Page;
/** Why the page could not be opened: every test then fails with it, none is skipped. */
let openError: Error | undefined;
const consoleErrors: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  try {
    await openDocs();
  } catch (error) {
    openError = error as Error;
  }
});

async function openDocs(): Promise<void> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: the docs test needs a real browser. ` +
        "Install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.",
    );
  }
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(docsUrl);
  // Set by the page's own script once hydration is done and every schema is expanded.
  await page.locator("#asyncapi-root[data-expanded]").waitFor({ state: "attached", timeout: waitMs });
}

function requireOpenPage(): void {
  if (openError) throw openError;
}

afterAll(async () => {
  await browser?.close();
});

async function expectVisible(locator: Locator, what: string): Promise<void> {
  try {
    await locator.waitFor({ state: "visible", timeout: waitMs });
  } catch (error) {
    throw new Error(`${what} is not visible in the docs: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** The Messages section's entry for one message: payload, fields and examples. */
const messageSection = (messageName: string) =>
  page.locator(`[id="trading-platform-events-message-${messageName}"]`);

describe("the HTML docs in Chromium", () => {
  it("expand every payload schema after hydration", async () => {
    requireOpenPage();
    expect(await page.locator("#asyncapi-root").getAttribute("data-expanded")).toBe("true");
  });

  it.each(channelNames)("show the channel %s in the operations", async (channel) => {
    requireOpenPage();
    const operations = page.locator('[id="trading-platform-events-operations"]');
    await expectVisible(operations.getByText(channel, { exact: true }).first(), `the address ${channel}`);
  });

  it("shows the symbol parameter of price.updated.{symbol}", async () => {
    requireOpenPage();
    const operation = page.locator(
      '[id="trading-platform-events-operation-send-price.updated.{symbol}-parameters"]',
    );
    await expectVisible(operation.getByText("symbol", { exact: true }).first(), "the symbol parameter");
  });

  it.each(channelNames)("shows every payload field of %s", async (channel) => {
    requireOpenPage();
    const { messageName } = channels[channel];
    const fields = payloadFields(messageName);
    expect(fields.length).toBeGreaterThan(3);
    for (const field of fields) {
      await expectVisible(
        messageSection(messageName).getByText(field, { exact: true }).first(),
        `the field ${messageName}.${field}`,
      );
    }
  });

  it("shows constraints as written, not lowercased (innerText applies CSS text-transform)", async () => {
    requireOpenPage();
    const pattern = channels["price.updated.{symbol}"].parameters[0]?.pattern ?? "";
    const rule = messageSection("PriceUpdateEvent").getByText(pattern, { exact: true }).first();
    await expectVisible(rule, `the symbol pattern ${pattern}`);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, after CSS text-transform, is what this checks
    expect(await rule.innerText()).toBe(pattern);
  });

  it.each(channelNames)("shows every example of %s", async (channel) => {
    requireOpenPage();
    const { messageName, examples } = channels[channel];
    for (const [index, example] of examples.entries()) {
      await expectVisible(
        messageSection(messageName).getByText(`#${index + 1} Example - ${example.name}`, { exact: true }),
        `the example ${example.name} of ${channel}`,
      );
    }
  });

  it("saves screenshots of the page and of a payload", async () => {
    requireOpenPage();
    mkdirSync(resultsDir, { recursive: true });
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: join(resultsDir, "docs.png") });
    const field = messageSection("PositionEvent").getByText("qty_change", { exact: true }).first();
    await field.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(resultsDir, "docs-payload.png") });
    expect(existsSync(join(resultsDir, "docs.png"))).toBe(true);
  });

  it("logs no console error", () => {
    requireOpenPage();
    expect(consoleErrors).toEqual([]);
  });

  it("requests nothing but the file itself", () => {
    requireOpenPage();
    expect(requests).toEqual([docsUrl]);
  });
});
