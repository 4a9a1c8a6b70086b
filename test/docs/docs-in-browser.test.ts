// The published HTML docs as a reader sees them: generated/docs/index.html opened from file:// in
// Debian's Chromium, once with scripts on and once with scripts off. Every channel, parameter,
// payload field and example must be visible as soon as the page has loaded, without waiting for
// anything, with no literal backtick around code, no console error and no request beyond the file
// itself. Saves screenshots to test-results/.
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

/** Every top-level payload field of a channel's message, from the generated JSON Schema. */
function payloadFields(messageName: string): string[] {
  const schema = JSON.parse(readFileSync(join(root, `generated/schemas/${messageName}.schema.json`), "utf8"));
  return Object.keys(schema.properties as Record<string, unknown>);
}

let browser: Browser | undefined;
/** Why the browser could not start: every test then fails with it, none is skipped. */
let launchError: Error | undefined;

beforeAll(async () => {
  try {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `Chromium is missing at ${chromiumPath}: the docs test needs a real browser. ` +
          "Install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.",
      );
    }
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  } catch (error) {
    launchError = error as Error;
  }
});

afterAll(async () => {
  await browser?.close();
});

/** One reader's tab: the page, what it showed the moment it had loaded, what it logged and requested. */
interface OpenedDocs {
  page: Page;
  /** Per message, the texts visible in its section right after DOMContentLoaded. */
  visibleAtLoad: Record<string, string[]>;
  consoleErrors: string[];
  requests: string[];
}

// Code that runs in the page, as strings: this project's TypeScript has no DOM library.

/** Per message, the texts of every visible element of its section (an element's own text nodes). */
const visibleTextsByMessage = `(() => {
  const prefix = "trading-platform-events-message-";
  const byMessage = {};
  for (const section of document.querySelectorAll('[id^="' + prefix + '"]')) {
    byMessage[section.id.slice(prefix.length)] = Array.from(section.querySelectorAll("*"))
      .filter((element) => element.checkVisibility())
      .flatMap((element) => Array.from(element.childNodes))
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent.trim())
      .filter(Boolean);
  }
  return byMessage;
})()`;

/** Every backtick the reader would see: in the text, or drawn by CSS before or after an element. */
const renderedBackticks = `(() => {
  const drawnByCss = [];
  for (const element of document.body.querySelectorAll("*")) {
    for (const pseudo of ["::before", "::after"]) {
      if (getComputedStyle(element, pseudo).content.includes("\`")) {
        drawnByCss.push(element.tagName.toLowerCase() + pseudo + ' of "' + element.textContent.slice(0, 40) + '"');
      }
    }
  }
  return {
    inText: (document.body.innerText.match(/\`/g) ?? []).length,
    drawnByCss,
    codeSpans: document.body.querySelectorAll("code").length,
  };
})()`;

async function openDocs(javaScriptEnabled: boolean): Promise<OpenedDocs> {
  if (!browser) throw launchError ?? new Error("the browser did not start");
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, javaScriptEnabled });
  const page = await context.newPage();
  const opened: OpenedDocs = { page, visibleAtLoad: {}, consoleErrors: [], requests: [] };
  page.on("console", (message) => {
    if (message.type() === "error") opened.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => opened.consoleErrors.push(`uncaught: ${error.message}`));
  page.on("request", (request) => opened.requests.push(request.url()));
  await page.goto(docsUrl, { waitUntil: "domcontentloaded" });
  opened.visibleAtLoad = await page.evaluate<Record<string, string[]>>(visibleTextsByMessage);
  return opened;
}

/** Visible right now: no waiting, so a field that a script would only show later fails. */
async function expectVisibleAtOnce(locator: Locator, what: string): Promise<void> {
  expect(await locator.isVisible(), `${what} is not visible as soon as the docs have loaded`).toBe(true);
}

const readers = [
  { reader: "with scripts on", javaScriptEnabled: true, screenshot: "docs" },
  { reader: "with scripts off", javaScriptEnabled: false, screenshot: "docs-no-script" },
];

describe.each(readers)("the HTML docs in Chromium, $reader", ({ javaScriptEnabled, screenshot }) => {
  let docs: OpenedDocs | undefined;
  /** Why the page could not be opened: every test then fails with it, none is skipped. */
  let openError: Error | undefined;

  beforeAll(async () => {
    try {
      docs = await openDocs(javaScriptEnabled);
    } catch (error) {
      openError = error as Error;
    }
  });

  afterAll(async () => {
    await docs?.page.context().close();
  });

  function opened(): OpenedDocs {
    if (!docs) throw openError ?? new Error("the docs were not opened");
    return docs;
  }

  /** The Messages section's entry for one message: payload, fields and examples. */
  const messageSection = (messageName: string) =>
    opened().page.locator(`[id="trading-platform-events-message-${messageName}"]`);

  it("carries no script: what a reader sees never waits for one, scripts on or off", async () => {
    expect(await opened().page.locator("script").count()).toBe(0);
  });

  it.each(channelNames)("show the channel %s in the operations", async (channel) => {
    const operations = opened().page.locator('[id="trading-platform-events-operations"]');
    await expectVisibleAtOnce(
      operations.getByText(channel, { exact: true }).first(),
      `the address ${channel}`,
    );
  });

  const operations = channelNames.flatMap((channel) =>
    channels[channel].operations.map((operation) => ({ channel, ...operation })),
  );
  it.each(operations)("shows that $service performs $id ($action $channel)", async (operation) => {
    const section = opened().page.locator(
      `[id="trading-platform-events-operation-${operation.action}-${operation.id}"]`,
    );
    await expectVisibleAtOnce(
      section.getByText(`#${operation.service}`, { exact: true }),
      `the service of ${operation.id}`,
    );
    await expectVisibleAtOnce(
      section.getByText(operation.channel, { exact: true }).first(),
      `the channel of ${operation.id}`,
    );
  });

  it("shows the symbol parameter of price.updated.{symbol}", async () => {
    const operation = opened().page.locator(
      '[id="trading-platform-events-operation-send-price.updated.{symbol}-parameters"]',
    );
    await expectVisibleAtOnce(operation.getByText("symbol", { exact: true }).first(), "the symbol parameter");
  });

  it.each(channelNames)("shows every payload field of %s the moment the page has loaded", async (channel) => {
    const { messageName } = channels[channel];
    const fields = payloadFields(messageName);
    expect(fields.length).toBeGreaterThan(3);
    const visibleAtLoad = new Set(opened().visibleAtLoad[messageName]);
    expect(fields.filter((field) => !visibleAtLoad.has(field))).toEqual([]);
    for (const field of fields) {
      await expectVisibleAtOnce(
        messageSection(messageName).getByText(field, { exact: true }).first(),
        `the field ${messageName}.${field}`,
      );
    }
  });

  it.each(channelNames)("shows the Python model of %s beside its TypeScript type", async (channel) => {
    const { messageName } = channels[channel];
    const code = messageSection(messageName).locator(
      `[id="trading-platform-events-message-${messageName}-code"]`,
    );
    const typescript = code.locator("code.language-ts");
    const python = code.locator("code.language-python");
    await expectVisibleAtOnce(typescript, `the TypeScript type of ${messageName}`);
    await expectVisibleAtOnce(python, `the Python model of ${messageName}`);
    expect(await typescript.textContent()).toContain(`interface ${messageName} {`);
    expect(await python.textContent()).toContain(`class ${messageName}(ContractModel):`);
    for (const field of payloadFields(messageName))
      expect(await python.textContent()).toContain(`    ${field}: `);
    // Beside, not below, on this 1600 px wide page.
    const [left, right] = [
      await code.locator("pre").first().boundingBox(),
      await code.locator("pre").last().boundingBox(),
    ];
    expect(right?.x ?? 0).toBeGreaterThan((left?.x ?? 0) + (left?.width ?? 0) - 1);
    expect(Math.abs((right?.y ?? 0) - (left?.y ?? 0))).toBeLessThan(5);
  });

  it("shows a field's constraints as written, not lowercased (innerText applies CSS text-transform)", async () => {
    const pattern = channels["price.updated.{symbol}"].parameters[0]?.pattern ?? "";
    const rule = messageSection("PriceUpdateEvent").getByText(pattern, { exact: true }).first();
    await expectVisibleAtOnce(rule, `the symbol pattern ${pattern}`);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, after CSS text-transform, is what this checks
    expect(await rule.innerText()).toBe(pattern);
  });

  it.each(channelNames)("shows every example of %s", async (channel) => {
    const { messageName, examples } = channels[channel];
    for (const [index, example] of examples.entries()) {
      await expectVisibleAtOnce(
        messageSection(messageName).getByText(`#${index + 1} Example - ${example.name}`, { exact: true }),
        `the example ${example.name} of ${channel}`,
      );
    }
  });

  it("renders the descriptions' code spans as code, with no literal backtick", async () => {
    const { page } = opened();
    await expectVisibleAtOnce(
      page.locator("code", { hasText: /^event_id$/ }).first(),
      "the code span event_id",
    );
    const backticks = await page.evaluate<{ inText: number; drawnByCss: string[]; codeSpans: number }>(
      renderedBackticks,
    );
    expect(backticks.codeSpans).toBeGreaterThan(20);
    expect({ inText: backticks.inText, drawnByCss: backticks.drawnByCss }).toEqual({
      inText: 0,
      drawnByCss: [],
    });
  });

  it("saves screenshots of the page and of a payload", async () => {
    const { page } = opened();
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, `${screenshot}.png`) });
    const field = messageSection("PositionEvent").getByText("qty_change", { exact: true }).first();
    await field.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(resultsDir, `${screenshot}-payload.png`) });
    expect(existsSync(join(resultsDir, `${screenshot}-payload.png`))).toBe(true);
  });

  it("logs no console error", () => {
    expect(opened().consoleErrors).toEqual([]);
  });

  it("requests nothing but the file itself", () => {
    expect(opened().requests).toEqual([docsUrl]);
  });
});
