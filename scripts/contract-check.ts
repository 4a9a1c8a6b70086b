// `npm run contract:check`: asyncapi.yaml against the latest contract in contracts/released/ (part
// of npm test). Options: --spec, --released-dir, --messages, --package, --consumers, for checks on copies.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkContract } from "./contract/check-contract.js";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    spec: { type: "string", default: resolve(root, "asyncapi.yaml") },
    "released-dir": { type: "string", default: resolve(root, "contracts/released") },
    messages: { type: "string", default: resolve(root, "test/fixtures/python-wire/cases.jsonl") },
    package: { type: "string", default: resolve(root, "package.json") },
    consumers: { type: "string", default: resolve(root, "contracts/consumers") },
  },
});
try {
  const result = checkContract({
    spec: values.spec,
    releasedDir: values["released-dir"],
    messages: values.messages,
    packageJson: values.package,
    consumersDir: values.consumers,
  });
  for (const line of result.lines) (result.ok ? console.log : console.error)(line);
  process.exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error(`contract check failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
