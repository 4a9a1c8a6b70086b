// Emits generated/docs/index.html: the contract as one self-contained, static page (no script, no
// request to any network, works from file://), server-rendered by @asyncapi/react-component with
// every payload and field expanded, so that a reader sees every field at once, scripts on or off.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { bannerText, type GeneratedFile } from "./banner.js";
import { consumerReports, readManifestsForDocs } from "./consumer-docs-model.js";
import { codeModelStyles, withCodeModels } from "./docs-code-models.js";
import { renderConsumersSection } from "./emit-consumer-docs.js";
import { emitTypes } from "./emit-types.js";
import type { ContractModel } from "./load-spec.js";
import { DocsRenderError, renderStaticMarkup } from "./render-docs-markup.js";

const require = createRequire(import.meta.url);

/** What the component's stylesheet gets wrong for this page. */
const pageStyles = [
  // The stylesheet leaves the page itself unstyled (a serif body font, a margin).
  "body { margin: 0; font-family: ui-sans-serif, system-ui, sans-serif; }",
  // A schema's rules sit in a lowercased label, which would print the ticker pattern
  // `^[A-Za-z0-9]…` as `^[a-za-z0-9]…`: values inside the label keep their case.
  ".lowercase .font-bold { text-transform: none; }",
  // Tailwind Typography (the component's `prose`) draws a backtick before and after every inline
  // code span; the code font already marks it, as on GitHub.
  ".aui-root .prose code::before, .aui-root .prose code::after { content: none; }",
  // Everything is rendered expanded and nothing can toggle without a script: no dead controls
  // (chevrons, "Collapse all", the small-screen menu button), and the names inside them stay text.
  ".aui-root button { cursor: auto; pointer-events: none; }",
  ".aui-root button > svg.inline-block, .aui-root .ml-auto > button, .aui-root .burger-menu { display: none; }",
].join("\n");

function readStylesheet(): string {
  const styles = readFileSync(require.resolve("@asyncapi/react-component/styles/default.min.css"), "utf8");
  if (/<\/style/i.test(styles)) {
    throw new DocsRenderError("the component's stylesheet contains </style and cannot be inlined");
  }
  return styles;
}

/** `consumersDir`: the consumer manifests the page shows (an input of generate, so check:generated covers them). */
export async function emitDocs(model: ContractModel, consumersDir: string): Promise<GeneratedFile[]> {
  const markup = withCodeModels(renderStaticMarkup(model), model, await emitTypes(model));
  const manifests = readManifestsForDocs(consumersDir);
  const consumers = renderConsumersSection(model, manifests, consumerReports(model, manifests));
  const title = `${model.title} ${model.version}`;

  const contents = `<!DOCTYPE html>
<!-- ${bannerText(model)} -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>${escapeHtml(title)}</title>
<style>${readStylesheet()}</style>
<style>${pageStyles}
${codeModelStyles}</style>
</head>
<body>
<div id="asyncapi-root">${markup}</div>
${consumers}
</body>
</html>
`;
  return [{ path: "docs/index.html", contents }];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
