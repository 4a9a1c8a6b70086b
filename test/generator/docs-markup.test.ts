// The docs' static markup (scripts/generator/render-docs-markup.ts): every schema expanded, the layout
// left to the viewport, and a loud failure for what a static page would hide.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import React from "react";
import { beforeAll, describe, expect, it } from "vitest";
import { channels } from "../../generated/index.js";
import { loadSpec } from "../../scripts/generator/load-spec.js";
import { DocsRenderError, renderStaticMarkup } from "../../scripts/generator/render-docs-markup.js";

const root = resolve(import.meta.dirname, "../..");
const specText = readFileSync(join(root, "asyncapi.yaml"), "utf8");

/** The spec with one more line under the `strategy_id` field of SignalEvent. */
function withStrategyIdKeyword(line: string): string {
  const field = "        strategy_id:\n          type: string\n          minLength: 1\n";
  expect(specText).toContain(field);
  return specText.replace(field, `${field}          ${line}\n`);
}

// Loading the spec and rendering take seconds each on a loaded machine: each is done once.
const originalCreateElement = React.createElement;
let markup: string;
let refusal: unknown;
let withExtension: string;

beforeAll(async () => {
  markup = renderStaticMarkup(await loadSpec(specText));
  const operation = "    title: Signal Service publishes generated signals\n";
  expect(specText).toContain(operation);
  withExtension = renderStaticMarkup(
    await loadSpec(
      specText.replace(operation, `${operation}    x-sent-by: signal-service-extension-value\n`),
    ),
  );
  const withOneOf = await loadSpec(withStrategyIdKeyword("oneOf: [{ maxLength: 8 }, { minLength: 64 }]"));
  try {
    renderStaticMarkup(withOneOf);
  } catch (error) {
    refusal = error;
  }
});

describe("renderStaticMarkup", () => {
  it("renders every schema expanded, down to a nested field's pattern", () => {
    expect(markup).not.toContain(">Expand all<");
    expect(markup).toContain(">Collapse all<");
    const pattern = channels["price.updated.{symbol}"].parameters[0]?.pattern ?? "";
    expect(pattern).not.toBe("");
    expect(markup).toContain(pattern);
  });

  it("leaves the layout to the viewport (container:base), not to a script that measures the page", () => {
    expect(markup).toContain('class="container:base relative md:flex');
    expect(markup).not.toContain("container:xl");
  });

  it("opens an item's x- extensions, which the component shows only on a click", () => {
    expect(withExtension).toContain("x-sent-by");
    expect(withExtension).toContain("signal-service-extension-value");
    expect(withExtension).not.toMatch(/class="[^"]*\bbg-gray-100 hidden\b/);
  });

  it("refuses oneOf, which the component would hide behind a Conditions tab that only a click opens", () => {
    expect(refusal).toBeInstanceOf(DocsRenderError);
    expect((refusal as Error).message).toMatch(/oneOf\/anyOf\/allOf\/not\/if/);
  });

  it("puts React.createElement back after rendering, and after a refused render", () => {
    expect(React.createElement).toBe(originalCreateElement);
  });
});
