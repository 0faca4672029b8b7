import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';

/** Checks a response against the OpenAPI document's schema for its route and status. */
export function validator(document: Record<string, any>) {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  return (method: string, path: string, status: number, contentType: string, body: unknown) => {
    const operation = document.paths[path]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${path} is in /openapi.json`);
    let response = operation.responses[String(status)];
    assert.ok(response, `${method} ${path} documents status ${status}`);
    if (response.$ref) response = document.components.responses[response.$ref.split('/').pop()];
    const media = contentType.split(';')[0]!;
    const schema = response.content[media]?.schema;
    assert.ok(schema, `${method} ${path} ${status} documents ${media}`);
    const valid = ajv.validate(schema, body);
    assert.ok(valid, `${method} ${path} ${status}: ${ajv.errorsText()}`);
  };
}
