import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = Record<string, unknown>;
type OpenApi = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>
  >;
  components?: { schemas?: Record<string, Schema> };
};

/**
 * OpenAPI 3.0 schema → JSON Schema as strict as the document means it: `nullable` becomes a null
 * type, and an object lists all it may hold (no additional properties), so a field the server sends
 * that the document lacks fails, as does a required field it does not send.
 */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    if (key === 'example' || key === 'nullable') continue;
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strict(v)]))
        : strict(value);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false;
  if ((schema as Schema).nullable === true) {
    if (typeof out.type === 'string' && !out.allOf && !out.$ref) {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    } else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/** Validates response bodies against the document: for a path template, method, status and media type. */
export function responseValidator(document: unknown): {
  errors(path: string, method: string, status: number, mediaType: string, body: unknown): string[];
} {
  const doc = document as OpenApi;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const components = { schemas: strict(doc.components?.schemas ?? {}) };
  const compiled = new Map<string, ValidateFunction>();
  return {
    errors(path, method, status, mediaType, body) {
      const responses = doc.paths[path]?.[method.toLowerCase()]?.responses;
      if (!responses) return [`${method} ${path} is not in the document`];
      const response = responses[String(status)];
      if (!response) return [`${method} ${path} does not document the status ${status}`];
      const schema = response.content?.[mediaType]?.schema;
      if (!schema) return [`${method} ${path} ${status} documents no ${mediaType} body`];
      const key = `${method} ${path} ${status} ${mediaType}`;
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile({ ...(strict(schema) as Schema), components });
        compiled.set(key, validate);
      }
      return validate(body)
        ? []
        : (validate.errors ?? []).map(
            (e) => `${key}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
          );
    },
  };
}
