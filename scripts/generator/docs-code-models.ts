// Puts each message's TypeScript type and Python model side by side in the docs, above its payload: the
// type from generated/types.ts without its comments (the fields' descriptions are in the payload below),
// the model as trading_platform_events.models declares it.
import type { GeneratedFile } from "./banner.js";
import type { ContractModel } from "./load-spec.js";
import { pythonModelSummary } from "./python-models.js";
import { DocsRenderError } from "./render-docs-markup.js";

export const codeModelStyles = [
  ".code-models { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0.5rem; margin-top: 0.5rem; }",
  "@media (min-width: 1024px) { .code-models { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }",
  ".code-models figcaption { font-size: 0.75rem; color: #4b5563; margin-bottom: 0.25rem; }",
  ".code-models pre { margin: 0; padding: 0.75rem; overflow-x: auto; border-radius: 0.25rem; font-size: 0.75rem; background: #1f2937; color: #f3f4f6; }",
].join("\n");

/** The TypeScript declaration of `name` in types.ts (and the named types it uses), without comments. */
function typeScriptOf(types: string, name: string): string {
  const declarations = types.replace(/\/\*\*[\s\S]*?\*\/\n\s*/g, "").split(/\n\n+/);
  const own = declarations.find((d) => d.startsWith(`export interface ${name} {`));
  if (own === undefined) throw new DocsRenderError(`types.ts declares no interface ${name}`);
  const used = declarations.filter((d) => {
    const alias = /^export type (\w+) =/.exec(d)?.[1];
    return alias !== undefined && new RegExp(`: ${alias};`).test(own);
  });
  return [...used, own].join("\n\n").replace(/^export /gm, "");
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function pane(caption: string, code: string, language: string): string {
  return `<figure><figcaption>${caption}</figcaption><pre><code class="language-${language}">${escapeHtml(code)}</code></pre></figure>`;
}

/** The markup with both languages' declarations above each message's payload. */
export function withCodeModels(markup: string, model: ContractModel, types: GeneratedFile): string {
  let result = markup;
  for (const channel of model.channels) {
    const anchor = `<div class="mt-2" id="trading-platform-events-message-${channel.messageName}-payload">`;
    const at = result.indexOf(anchor);
    if (at === -1 || result.indexOf(anchor, at + 1) !== -1) {
      throw new DocsRenderError(
        `the docs have no single payload of ${channel.messageName} to put its code beside`,
      );
    }
    const block =
      `<div class="code-models" id="trading-platform-events-message-${channel.messageName}-code">` +
      pane(
        "TypeScript: <code>@trading-platform/events</code>",
        typeScriptOf(types.contents, channel.messageName),
        "ts",
      ) +
      pane("Python: <code>trading_platform_events</code>", pythonModelSummary(channel), "python") +
      "</div>";
    result = result.slice(0, at) + block + result.slice(at);
  }
  return result;
}
