// Renders the contract with @asyncapi/react-component into static markup as a reader needs it without a
// script: every schema expanded, the layout chosen by the viewport. The one module that knows the component's internals.
import { createRequire } from "node:module";
import type { ComponentType } from "react";
import React from "react";
import { renderToString } from "react-dom/server";
import type { ContractModel } from "./load-spec.js";

const require = createRequire(import.meta.url);

/** The component's configuration: everything shown, examples open, channels named by address. */
export const componentConfig = {
  schemaID: "trading-platform-events",
  show: {
    sidebar: true,
    info: true,
    servers: true,
    operations: true,
    messages: true,
    messageExamples: true,
    schemas: true,
    errors: true,
  },
  expand: { messageExamples: true },
  sidebar: { showServers: "byDefault", showOperations: "byDefault", useChannelAddressAsIdentifier: true },
} as const;

/** The markup could not be rendered as a reader needs it: the component changed, or the spec uses what it hides. */
export class DocsRenderError extends Error {
  override readonly name = "DocsRenderError";
}

// Both through the CommonJS loader, so that `Schema` is the very function the component renders.
const { AsyncApiComponentWP } = require("@asyncapi/react-component") as {
  AsyncApiComponentWP: ComponentType<{ schema: unknown; config: unknown }>;
};
const { Schema } = require("@asyncapi/react-component/lib/cjs/components/Schema/Schema.js") as {
  Schema: unknown;
};

type CreateElement = (
  type: unknown,
  props: Record<string, unknown> | null,
  ...children: unknown[]
) => unknown;

/**
 * The component keeps a schema's expansion in state that starts collapsed and offers no option
 * for it (3.2.1), so every `Schema` element it creates
 * during this render gets `expanded: true`. The render is synchronous; the original
 * `createElement` is back before anything else runs.
 */
function renderExpanded(model: ContractModel): string {
  const react = React as unknown as { createElement: CreateElement };
  const original = react.createElement;
  let schemaElements = 0;
  react.createElement = (type, props, ...children) => {
    if (type !== Schema) return original(type, props, ...children);
    schemaElements += 1;
    return original(type, { ...props, expanded: true }, ...children);
  };
  let markup: string;
  try {
    markup = renderToString(
      React.createElement(AsyncApiComponentWP, { schema: model.document, config: componentConfig }),
    );
  } finally {
    react.createElement = original;
  }
  checkEverythingShown(markup, schemaElements);
  return markup;
}

/** The component's root element, as rendered before a script measures it. */
const measuredLayout = 'class="container:xl relative md:flex';

/**
 * The component picks its layout by measuring its root in the browser: `container:xl` (narrow: no
 * sidebar, one column) until a script finds it wider than 1536 px, then `container:base`, whose
 * stylesheet rules are media queries (sidebar from 1024 px, examples beside the fields from 1536 px).
 * A static page takes `container:base`, so the viewport decides.
 */
function layoutByViewport(markup: string): string {
  const at = markup.indexOf(measuredLayout);
  if (at === -1 || markup.indexOf(measuredLayout, at + 1) !== -1) {
    throw new DocsRenderError(
      `@asyncapi/react-component no longer renders exactly one root with ${measuredLayout}": ` +
        "scripts/generator/render-docs-markup.ts cannot choose the layout",
    );
  }
  return markup.replace(measuredLayout, 'class="container:base relative md:flex');
}

/** The box listing an item's `x-` extensions, which the component opens only on a click. */
const collapsedExtensions = 'class="rounded p-4 py-2 border bg-gray-100 hidden"';

/**
 * Opens the extensions boxes, then refuses any other part hidden until a click. Only the sidebar
 * may carry `hidden`: its stylesheet shows it by media query from 1024 px.
 */
function showCollapsedParts(markup: string): string {
  const shown = markup.replaceAll(collapsedExtensions, collapsedExtensions.replace(" hidden", " block"));
  const hiddenClasses = Array.from(shown.matchAll(/class="([^"]*)"/g), (match) =>
    (match[1] ?? "").split(" "),
  );
  const stillHidden = hiddenClasses.find(
    (tokens) => tokens.includes("hidden") && !tokens.includes("sidebar"),
  );
  if (stillHidden) {
    throw new DocsRenderError(
      `@asyncapi/react-component rendered a part that only a click shows (class "${stillHidden.join(" ")}"): ` +
        "teach scripts/generator/render-docs-markup.ts to show it",
    );
  }
  return shown;
}

/** The component's markup for the contract: every schema and box open, the layout left to the viewport. */
export function renderStaticMarkup(model: ContractModel): string {
  return showCollapsedParts(layoutByViewport(renderExpanded(model)));
}

function checkEverythingShown(markup: string, schemaElements: number): void {
  if (schemaElements === 0 || markup.includes(">Expand all<")) {
    throw new DocsRenderError(
      "@asyncapi/react-component rendered a collapsed schema: its Schema component is no longer the one " +
        "scripts/generator/render-docs-markup.ts expands (did the package change its layout?)",
    );
  }
  // The Conditions tab opens only on a click, which a static page cannot take.
  if (markup.includes('aria-controls="conditions-panel"')) {
    throw new DocsRenderError(
      "a schema uses oneOf/anyOf/allOf/not/if, which the static docs would hide behind the component's " +
        "Conditions tab: express the rule without them, or teach scripts/generator/render-docs-markup.ts to show it",
    );
  }
}
