// Emits generated/docs/index.html: the contract as one self-contained page (no request to any
// network, works from file://), server-rendered with @asyncapi/react-component and hydrated by
// its standalone bundle, all inlined, so that expand/collapse and the sidebar work offline.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { stringify } from "@asyncapi/parser";
import { AsyncApiComponentWP } from "@asyncapi/react-component";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { bannerText, type GeneratedFile } from "./banner.js";
import type { ContractModel } from "./load-spec.js";

const require = createRequire(import.meta.url);

/** Shared by the server render and the hydrating client: both must render the same tree. */
const componentConfig = {
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

/** Inline text inside <script> or <style> must not close the element early. */
function escapeForScript(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** JSON embedded in the page: every `<` escaped, so no sequence in the spec can end the element. */
function embeddedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * Runs in the browser: hydrates the server-rendered markup, then opens every payload and schema
 * ("Expand all"), since the component starts them collapsed and the fields are what readers want.
 */
const clientScript = `(function () {
  var root = document.getElementById("asyncapi-root");
  var documentJson = JSON.parse(document.getElementById("asyncapi-document").textContent);
  var config = JSON.parse(document.getElementById("asyncapi-config").textContent);
  // A click that lands before React has run the mount effects of hydration is undone by them,
  // so click, look again on the next turn, and stop once nothing has been collapsed for a while
  // (a slow machine can run those effects late).
  function expandEverySchema(attemptsLeft, quietChecks) {
    var collapsed = Array.prototype.filter.call(root.querySelectorAll("button"), function (button) {
      return button.textContent === "Expand all";
    });
    collapsed.forEach(function (button) { button.click(); });
    var quiet = collapsed.length === 0 ? quietChecks + 1 : 0;
    if (quiet >= 5 || attemptsLeft === 0) {
      root.setAttribute("data-expanded", quiet > 0 ? "true" : "partly");
      return;
    }
    setTimeout(function () { expandEverySchema(attemptsLeft - 1, quiet); }, 50);
  }
  AsyncApiStandalone.hydrate(
    {
      schema: documentJson,
      config: config,
      onPluginManagerReady: function () { setTimeout(function () { expandEverySchema(400, 0); }, 0); }
    },
    root
  );
})();`;

/** The component's stylesheet leaves the page itself unstyled (a serif body font, a margin). */
// The component shows a schema's rules in a lowercased label, which would print the ticker pattern
// `^[A-Za-z0-9]…` as `^[a-za-z0-9]…`: values inside the label keep their case.
const pageStyles = [
  "body { margin: 0; font-family: ui-sans-serif, system-ui, sans-serif; }",
  ".lowercase .font-bold { text-transform: none; }",
].join("\n");

function readPackageFile(specifier: string): string {
  return readFileSync(require.resolve(specifier), "utf8");
}

export function emitDocs(model: ContractModel): GeneratedFile[] {
  const markup = renderToString(
    createElement(AsyncApiComponentWP, { schema: model.document as never, config: componentConfig as never }),
  );
  const styles = readPackageFile("@asyncapi/react-component/styles/default.min.css");
  const bundle = readPackageFile("@asyncapi/react-component/browser/standalone/without-parser.js");
  const title = `${model.title} ${model.version}`;

  const contents = `<!DOCTYPE html>
<!-- ${bannerText(model)} -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>${escapeHtml(title)}</title>
<style>${escapeForScript(styles)}</style>
<style>${pageStyles}</style>
</head>
<body>
<div id="asyncapi-root">${markup}</div>
<script type="application/json" id="asyncapi-document">${embeddedJson(JSON.parse(stringify(model.document) ?? "null"))}</script>
<script type="application/json" id="asyncapi-config">${embeddedJson(componentConfig)}</script>
<script>${escapeForScript(bundle)}</script>
<script>${clientScript}</script>
</body>
</html>
`;
  return [{ path: "docs/index.html", contents }];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
