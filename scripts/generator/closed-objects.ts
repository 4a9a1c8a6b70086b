// `additionalProperties: false` as Ajv compiles it, but naming the known properties in the generated
// code. Above eight properties Ajv tests each key with hasOwnProperty on the schema's `properties`
// object (a dictionary lookup per key, ~9 ns); comparing the key with each name costs a few pointer
// compares, as field names are internalized strings. Everything else, errors included, is Ajv's own.
import { _, type Ajv, type KeywordCxt, type KeywordDefinition } from "ajv";
import { not, or } from "ajv/dist/compile/codegen/index.js";
import additionalPropertiesModule from "ajv/dist/vocabularies/applicator/additionalProperties.js";
import { allSchemaProperties } from "ajv/dist/vocabularies/code.js";

// CommonJS: Node's ESM loader puts the default export one level down, Vite's does not.
type Definition = typeof additionalPropertiesModule.default;
const ajvDefinition: Definition =
  (additionalPropertiesModule as { default?: Definition }).default ??
  (additionalPropertiesModule as unknown as Definition);

/** Replaces Ajv's additionalProperties with one that lists the names when the object is closed. */
export function addClosedObjectKeyword(ajv: Ajv): void {
  ajv.removeKeyword("additionalProperties");
  ajv.addKeyword({
    ...(ajvDefinition as KeywordDefinition),
    before: "dependencies", // Ajv's own place in the object rules: errors keep their order
    code(cxt: KeywordCxt) {
      const { parentSchema } = cxt;
      const names = allSchemaProperties(parentSchema.properties);
      if (cxt.schema !== false || names.length === 0 || parentSchema.patternProperties !== undefined) {
        ajvDefinition.code(cxt, undefined as never);
        return;
      }
      closedObjectCode(cxt, names);
    },
  });
}

/** What Ajv writes for a closed object, with `key === name || …` in place of hasOwnProperty. */
function closedObjectCode(cxt: KeywordCxt, names: readonly string[]): void {
  const { gen, data, errsCount, it } = cxt;
  if (!errsCount) throw new Error("closed-object keyword: Ajv did not track errors");
  it.props = true;
  gen.forIn("key", data, (key) => {
    gen.if(not(or(...names.map((name) => _`${key} === ${name}`))), () => {
      cxt.setParams({ additionalProperty: key });
      cxt.error();
      if (!it.allErrors) gen.break();
    });
  });
  cxt.ok(_`${errsCount} === ${_`errors`}`);
}
