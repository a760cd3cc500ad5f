import { getSchemaPath } from '@nestjs/swagger';
import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ProblemDto } from '../query/swagger';

/**
 * What holds for every operation of a kind, applied once to the whole document instead of by
 * each controller, so a new endpoint cannot forget it:
 *
 * - 413 and 415 on every operation that takes a JSON body: Fastify answers them before any route
 *   code runs (body over BODY_LIMIT, a content type other than application/json);
 * - 429 with Retry-After on every `/api/v1` operation: the global rate limit (only health,
 *   metrics and docs are exempt);
 * - nullable schemas that a strict OAS 3.0 validator accepts null for (see nullableForOas30).
 */
export function applyApiConventions(built: OpenAPIObject): OpenAPIObject {
  // A copy: the built document shares objects (enum arrays, decorator options) with the classes'
  // metadata and with constants the validation uses, which must not change.
  const document = JSON.parse(JSON.stringify(built)) as OpenAPIObject;
  const components = (document.components ??= {});
  const responses = (components.responses ??= {});
  Object.assign(responses, conventionResponses());
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = (item as Record<string, OperationObject | undefined>)[method];
      if (!op) continue;
      if (takesJsonBody(op)) {
        addResponse(op, '413', ref('PayloadTooLarge'));
        addResponse(op, '415', ref('UnsupportedMediaType'));
      }
      if (path.startsWith('/api/v1/')) {
        const existing = op.responses['429'] as ResponseObject | undefined;
        if (!existing) op.responses['429'] = ref('TooManyRequests');
        // A route's own 429 (login throttle, busy exports) is also the rate limit's: same header.
        else if (!('$ref' in existing)) existing.headers = { 'Retry-After': RETRY_AFTER, ...existing.headers };
      }
    }
  }
  walkSchemas(document, nullableForOas30);
  return document;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const RETRY_AFTER = { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } };

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

function conventionResponses(): Record<string, ResponseObject> {
  const content = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } };
  return {
    PayloadTooLarge: { description: 'The body is larger than the limit (1 MiB by default, BODY_LIMIT)', content },
    UnsupportedMediaType: { description: 'The body is not application/json', content },
    TooManyRequests: {
      description: "Over the caller's rate limit (per user, API key or address); see Retry-After",
      headers: { 'Retry-After': RETRY_AFTER },
      content,
    },
  };
}

function takesJsonBody(op: OperationObject): boolean {
  const body = op.requestBody;
  return !!body && !('$ref' in body) && Object.keys(body.content ?? {}).some((type) => /^application\/(.+\+)?json$/.test(type));
}

function addResponse(op: OperationObject, status: string, response: ResponseObject | { $ref: string }): void {
  op.responses[status] ??= response;
}

/** The schema accepting null and only null, in OAS 3.0 terms (3.0.3: nullable needs a type; an enum must list null). */
const nullOnly = (): SchemaObject => ({ type: 'object', nullable: true, enum: [null] });

/** Keywords that annotate a schema rather than constrain it: kept beside the anyOf that replaces it. */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'title', 'default', 'readOnly', 'writeOnly', 'deprecated', 'externalDocs']);

/**
 * Under OAS 3.0.3 `nullable` only adds null to an explicit `type`; every other keyword still
 * applies to null. So `{nullable, enum: [...]}` refuses null unless the enum lists it, and
 * `{nullable, allOf: [{$ref}]}` (how @nestjs/swagger writes a nullable DTO-typed property)
 * refuses null in the $ref'd object schema. Rewritten: enums list null; a nullable reference
 * becomes `anyOf: [reference, null-only]`, its annotations kept beside.
 */
export function nullableForOas30(schema: SchemaObject & { $ref?: string }): SchemaObject | undefined {
  if (schema.nullable !== true) return undefined;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  const refs = schema.$ref ? [{ $ref: schema.$ref }] : schema.allOf;
  if (!refs?.length) return undefined;
  const rewritten: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) rewritten[key] = value;
    // Anything else constraining it beside the reference: not a shape @nestjs/swagger writes, left alone.
    else if (!['nullable', 'type', 'allOf', '$ref'].includes(key) || (key === 'type' && value !== 'object')) return undefined;
  }
  rewritten.anyOf = [refs.length === 1 ? refs[0] : { allOf: refs }, nullOnly()];
  return rewritten as SchemaObject;
}

type SchemaFix = (schema: SchemaObject) => SchemaObject | undefined;

/** Applies `fix` to every schema and subschema, innermost first, replacing a schema by what `fix` returns. */
function visitSchema(schema: unknown, fix: SchemaFix): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = schema as Record<string, unknown>;
  if (s.properties && typeof s.properties === 'object') {
    const props = s.properties as Record<string, unknown>;
    for (const name of Object.keys(props)) props[name] = visitSchema(props[name], fix);
  }
  for (const key of ['items', 'additionalProperties', 'not']) if (key in s) s[key] = visitSchema(s[key], fix);
  for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map((sub) => visitSchema(sub, fix));
  return fix(s as SchemaObject) ?? s;
}

/** Every schema of the document: components.schemas and each `schema` of a parameter, header or media type. */
function walkSchemas(document: OpenAPIObject, fix: SchemaFix): void {
  const schemas = document.components?.schemas as Record<string, unknown> | undefined;
  for (const name of Object.keys(schemas ?? {})) schemas![name] = visitSchema(schemas![name], fix);
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const record = node as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) {
      if (key === 'example' || key === 'examples') continue; // data, not schemas
      if (key === 'schema') record[key] = visitSchema(child, fix);
      else visit(child);
    }
  };
  visit(document.paths);
  const { schemas: _schemas, ...others } = document.components ?? {};
  visit(others);
}
