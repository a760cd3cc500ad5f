/**
 * Bad input of every kind against every operation of the committed OpenAPI document: never a
 * 5xx, always a 4xx problem+json (type, title, status, errors), and a 400 about a body or query
 * field names that field.
 *
 * The hostile requests are generated from each operation's own parameters and request body
 * schema ($ref and allOf resolved), as an admin and without credentials. Failures are collected
 * per operation and reported together, each with method, path, variant and the answer.
 *
 * No operation is skipped. Nothing destructive runs against what later requests rely on: hostile
 * path ids never name a live record; the records that bodies are sent against (PATCH, nested POSTs)
 * are this spec's own fixtures, never the signed-in admin (the user fixture is a second user); and
 * `auth/*` runs last, its hostile bodies never carrying the admin's refresh token, so the admin's
 * session survives logout.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type supertest from 'supertest';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, seedUser } from '../support/auth';

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema; style?: string };
type Operation = {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const doc = JSON.parse(fs.readFileSync(path.join(__dirname, '../../openapi.json'), 'utf8')) as Doc;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

/** A UUID v7 no record has: its timestamp is 2020-01-01, random tail. */
const unknownUuid = (): string => {
  const rand = randomBytes(10).toString('hex');
  const variant = ((parseInt(rand[3], 16) & 0x3) | 0x8).toString(16);
  const h = `016f5e66e800` + `7${rand.slice(0, 3)}` + `${variant}${rand.slice(4, 7)}` + rand.slice(8, 20);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};
const UNKNOWN_ID = unknownUuid();

function resolve(schema: Schema | undefined, depth = 0): Schema {
  if (!schema || depth > 10) return {};
  if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')], depth + 1);
  if (schema.allOf) {
    const merged: Schema = { ...schema, allOf: undefined, properties: { ...schema.properties }, required: [...(schema.required ?? [])] };
    for (const part of schema.allOf.map((s) => resolve(s, depth + 1))) {
      merged.type = merged.type ?? part.type;
      Object.assign(merged.properties!, part.properties);
      merged.required!.push(...(part.required ?? []));
    }
    return merged;
  }
  return schema;
}

/** A plausible value for a schema: its example, first enum member or a value of its type. */
function sample(raw: Schema | undefined, depth = 0): unknown {
  const s = resolve(raw);
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  switch (s.type) {
    case 'string':
      if (s.format === 'email') return `bad-input-${randomBytes(3).toString('hex')}@example.test`;
      if (s.format === 'uuid') return UNKNOWN_ID;
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'date') return '2026-01-01';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return s.minItems ? [sample(s.items, depth + 1)] : [];
    default: {
      if (depth > 4) return {};
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = sample(s.properties?.[key], depth + 1);
      return out;
    }
  }
}

const TYPE_VALUES: Record<string, unknown> = { string: 'x', number: 42, boolean: true, object: { a: 1 }, array: ['x'], null: null };
/** Values of every JSON type but the schema's own (null too unless it is nullable). */
function wrongTypes(raw: Schema): Array<[string, unknown]> {
  const s = resolve(raw);
  const own = s.type === 'integer' ? 'number' : (s.type ?? 'object');
  return Object.entries(TYPE_VALUES).filter(([t]) => t !== own && !(t === 'null' && s.nullable));
}

function nested(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

interface Variant {
  name: string;
  /** Path with params filled in. */
  url: string;
  query?: string;
  headers?: Record<string, string>;
  /** A JSON value sent as application/json. */
  json?: unknown;
  /** A raw body with its content type. */
  raw?: { body: string | Buffer; contentType: string };
  multipart?: { fields: Record<string, string>; file?: { content: Buffer; filename: string; contentType: string } };
  /** The field a 400 must name in `errors`. */
  field?: string;
  expectStatus?: number;
}

interface Op {
  method: Method;
  path: string;
  op: Operation;
}

const operations: Op[] = [];
for (const [p, item] of Object.entries(doc.paths)) {
  for (const method of METHODS) if (item[method]) operations.push({ method, path: p, op: item[method] });
}

function fillPath(p: string, ids: Record<string, string>): string {
  return p.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name] ?? UNKNOWN_ID);
}

const qs = (pairs: Array<[string, string]>) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** A cursor the server issued, to tamper with (set once the app runs). */
let issuedCursor: string | undefined;

/** Caps what one operation sends, so the whole walk stays quick. */
const MAX_VARIANTS = 250;

function buildVariants({ path: p, op }: Op, fixtureIds: Record<string, string>, validBody?: unknown): Variant[] {
  const out: Variant[] = [];
  const params = op.parameters ?? [];
  const pathParams = params.filter((x) => x.in === 'path');
  const queryParams = params.filter((x) => x.in === 'query');
  const jsonSchema = op.requestBody?.content['application/json']?.schema;
  const multipart = op.requestBody?.content['multipart/form-data']?.schema;
  const base = jsonSchema ? (validBody ?? sample(jsonSchema)) : undefined;
  const goodUrl = fillPath(p, fixtureIds);
  const withBody = (v: Variant): Variant => (jsonSchema && v.json === undefined && !v.raw ? { ...v, json: base } : v);

  // Path params: each in turn hostile, the others unknown ids.
  for (const param of pathParams) {
    const hostile: Array<[string, string]> = [
      ['nope', 'nope'],
      ['300 chars', 'a'.repeat(300)],
      ['sql', encodeURIComponent("' OR 1=1 --")],
      ['NUL', '%00'],
      ['traversal', encodeURIComponent('../../etc/passwd')],
    ];
    for (const [name, value] of hostile) {
      out.push(withBody({ name: `path ${param.name}=${name}`, url: p.replace(/\{(\w+)\}/g, (_m, n: string) => (n === param.name ? value : UNKNOWN_ID)) }));
    }
  }
  if (pathParams.length) out.push(withBody({ name: 'path: unknown uuid v7', url: fillPath(p, {}), expectStatus: 404 }));

  // Query params.
  for (const param of queryParams) {
    const s = resolve(param.schema);
    const push = (name: string, pairs: Array<[string, string]>, field: string | undefined = param.name) =>
      out.push(withBody({ name: `query ${name}`, url: goodUrl, query: qs(pairs), field }));
    if (param.name === 'filter' && param.style === 'deepObject') {
      push('filter unknown field', [['filter[nope][eq]', '1']], 'nope');
      push('filter[x][nope]', [['filter[x][nope]', '1']], 'x');
      push('filter not an object', [['filter', '1']]);
      push('filter[customFields.nope]', [['filter[customFields.nope][eq]', '1']], 'customFields.nope');
      push('filter[customFields.bad_input][gt] object', [['filter[customFields.bad_input][gt][a]', '1']], 'customFields.bad_input');
      push('filter[customFields.bad_input.currency]', [['filter[customFields.bad_input.currency][eq]', 'EUR']], 'customFields.bad_input');
      push('filter[customFields.__proto__]', [['filter[customFields.__proto__][eq]', '1']], 'customFields');
      push('filter 4 levels', [['filter[id][eq][a][b]', '1']], 'id');
      const fields = Object.entries(s.properties ?? {});
      for (const [field, fs_] of fields) {
        const ops = Object.entries(resolve(fs_).properties ?? {});
        push(`filter[${field}] unknown op`, [[`filter[${field}][nope]`, '1']], field);
        for (const [opName, opSchema] of ops) {
          const o = resolve(opSchema);
          const bad =
            o.type === 'boolean' ? 'maybe'
            : o.format === 'uuid' ? 'not-a-uuid'
            : o.format === 'date-time' ? 'not-a-date'
            : o.format === 'date' ? '2026-02-31'
            : o.type === 'number' || o.type === 'integer' ? 'abc'
            : o.enum ? 'abc'
            : undefined;
          if (bad !== undefined) push(`filter[${field}][${opName}]=${bad}`, [[`filter[${field}][${opName}]`, bad]], field);
        }
        push(`filter[${field}][eq] twice`, [[`filter[${field}][eq]`, 'a'], [`filter[${field}][eq]`, 'b']], field);
        push(`filter[${field}][eq] NUL`, [[`filter[${field}][eq]`, 'a\u0000b']], field);
      }
      continue;
    }
    if (param.name === 'cursor') {
      push('cursor garbage', [['cursor', 'garbage!!']]);
      push('cursor base64 of json', [['cursor', b64url('{"v":1,"k":["x"]}')]]);
      push('cursor base64 of array', [['cursor', b64url('[1,2,3,"x",null]')]]);
      push('cursor random bytes', [['cursor', b64url(randomBytes(48))]]);
      push('cursor 5000 chars', [['cursor', 'A'.repeat(5000)]]);
      push('cursor twice', [['cursor', 'a'], ['cursor', 'b']]);
      if (issuedCursor) {
        // One the server signed (contacts, by -createdAt): with its payload changed, with its MAC cut, and as is (foreign to other lists).
        const [payload, mac] = issuedCursor.split('.');
        const forged = b64url(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), v: ['2000-01-01T00:00:00.000Z', UNKNOWN_ID] }));
        push('cursor tampered payload', [['cursor', `${forged}.${mac}`]]);
        push('cursor MAC cut', [['cursor', `${payload}.${mac.slice(0, 10)}`]]);
        if (!p.startsWith('/api/v1/contacts')) push('cursor of another list', [['cursor', issuedCursor]]);
      }
      continue;
    }
    if (param.name === 'sort') {
      for (const v of ['nope', '-', ',,,', 'id,id,id,id,id,id', '--createdAt', 'createdAt\u0000', 'customFields.nope', 'customFields.bad_input.currency', 'customFields.constructor']) push(`sort=${JSON.stringify(v)}`, [['sort', v]]);
      push('sort twice', [['sort', 'id'], ['sort', '-id']]);
      continue;
    }
    if (s.type === 'integer' || s.type === 'number') {
      for (const v of ['abc', '1.5', '-1', '0', '99999999999999999999999', '1e400', '']) push(`${param.name}=${JSON.stringify(v)}`, [[param.name, v]]);
    } else if (s.type === 'boolean') {
      for (const v of ['maybe', '2', '']) push(`${param.name}=${JSON.stringify(v)}`, [[param.name, v]]);
    } else if (s.enum) {
      push(`${param.name}=abc`, [[param.name, 'abc']]);
    } else {
      push(`${param.name} 5000 chars`, [[param.name, 'q'.repeat(5000)]], undefined);
      push(`${param.name} NUL`, [[param.name, 'a\u0000b']]);
    }
    push(`${param.name} twice`, [[param.name, String(sample(s))], [param.name, String(sample(s))]]);
    push(`${param.name}[]`, [[`${param.name}[a]`, '1']], undefined);
  }
  if (queryParams.length) out.push(withBody({ name: 'query unknown param', url: goodUrl, query: 'nope=1' }));

  // Header params.
  for (const param of params.filter((x) => x.in === 'header')) {
    out.push(withBody({ name: `header ${param.name} garbage`, url: goodUrl, headers: { [param.name]: 'é\u00ff'.repeat(3) } }));
    out.push(withBody({ name: `header ${param.name} 300 chars`, url: goodUrl, headers: { [param.name]: 'k'.repeat(300) } }));
  }

  // JSON bodies.
  if (jsonSchema) {
    const s = resolve(jsonSchema);
    for (const [name, value] of [['[]', []], ['"x"', 'x'], ['null', null], ['42', 42]] as Array<[string, unknown]>) out.push({ name: `body ${name}`, url: goodUrl, json: value });
    out.push({ name: 'body {}', url: goodUrl, json: {} });
    out.push({ name: 'body unknown field', url: goodUrl, json: { ...(base as object), nope: 1 }, field: 'nope' });
    out.push({ name: 'body __proto__', url: goodUrl, raw: { body: '{"__proto__":{"isAdmin":true}}', contentType: 'application/json' } });
    out.push({ name: 'body constructor', url: goodUrl, raw: { body: '{"constructor":{"prototype":{"isAdmin":true}}}', contentType: 'application/json' }, field: 'constructor' });
    out.push({ name: 'body 5000 levels deep', url: goodUrl, raw: { body: nested(5000), contentType: 'application/json' } });
    out.push({ name: 'body malformed JSON', url: goodUrl, raw: { body: '{"a":', contentType: 'application/json' } });
    out.push({ name: 'body text/plain', url: goodUrl, raw: { body: 'hello', contentType: 'text/plain' } });
    out.push({ name: 'body form-urlencoded', url: goodUrl, raw: { body: 'a=1', contentType: 'application/x-www-form-urlencoded' } });
    const props = Object.entries(s.properties ?? {});
    let firstObject: string | undefined;
    for (const [key, propSchema] of props) {
      const ps = resolve(propSchema);
      for (const [t, value] of wrongTypes(ps)) out.push({ name: `body ${key} as ${t}`, url: goodUrl, json: { ...(base as object), [key]: value }, field: key });
      if (ps.type === 'string' && !ps.enum) {
        out.push({ name: `body ${key} 100000 chars`, url: goodUrl, json: { ...(base as object), [key]: 'x'.repeat(100_000) }, field: key });
        out.push({ name: `body ${key} NUL`, url: goodUrl, json: { ...(base as object), [key]: 'a\u0000b' }, field: key });
      }
      if (ps.type === 'integer' || ps.type === 'number') {
        for (const [label, value] of [['1e20', 1e20], ['-1e20', -1e20], ['2^63', 9223372036854775808], ['1.5', 1.5], ['1e308', 1e308]] as Array<[string, number]>) {
          out.push({ name: `body ${key} ${label}`, url: goodUrl, json: { ...(base as object), [key]: value }, field: key });
        }
      }
      if (ps.format === 'date-time' || ps.format === 'date') {
        for (const value of ['+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '0000-01-01', '99999-01-01']) {
          out.push({ name: `body ${key}=${value}`, url: goodUrl, json: { ...(base as object), [key]: value }, field: key });
        }
      }
      if (ps.enum) out.push({ name: `body ${key} not in enum`, url: goodUrl, json: { ...(base as object), [key]: 'abc' }, field: key });
      const invalidFormat: Record<string, string> = { 'date-time': '2026-02-30T25:61:00Z', date: '2026-13-45', email: 'not-an-email', uuid: 'not-a-uuid' };
      if (ps.format && invalidFormat[ps.format]) out.push({ name: `body ${key} invalid ${ps.format}`, url: goodUrl, json: { ...(base as object), [key]: invalidFormat[ps.format] }, field: key });
      if (ps.type === 'array') {
        const item = resolve(ps.items);
        out.push({ name: `body ${key} 1000 items`, url: goodUrl, json: { ...(base as object), [key]: Array.from({ length: 1000 }, () => sample(item)) }, field: key });
        out.push({ name: `body ${key} item wrong type`, url: goodUrl, json: { ...(base as object), [key]: [item.type === 'string' ? 42 : 'x'] }, field: key });
        if (item.type === 'object' || item.properties) {
          for (const [sub, subSchema] of Object.entries(item.properties ?? {})) {
            const [t, value] = wrongTypes(subSchema)[0];
            out.push({ name: `body ${key}[0].${sub} as ${t}`, url: goodUrl, json: { ...(base as object), [key]: [{ ...(sample(item) as object), [sub]: value }] }, field: key });
          }
        }
      }
      if ((ps.type === 'object' || ps.properties) && ps.properties) {
        firstObject = firstObject ?? key;
        for (const [sub, subSchema] of Object.entries(ps.properties)) {
          const [t, value] = wrongTypes(subSchema)[0];
          out.push({ name: `body ${key}.${sub} as ${t}`, url: goodUrl, json: { ...(base as object), [key]: { ...(sample(ps) as object), [sub]: value } }, field: key });
        }
        out.push({ name: `body ${key} unknown sub-field`, url: goodUrl, json: { ...(base as object), [key]: { ...(sample(ps) as object), nope: 1 } }, field: key });
      }
    }
    if (firstObject) {
      const prefix = JSON.stringify(base).replace(/\}$/, '');
      out.push({
        name: `body ${firstObject} 5000 levels deep`,
        url: goodUrl,
        raw: { body: `${prefix}${prefix.length > 1 ? ',' : ''}"${firstObject}":${nested(5000)}}`, contentType: 'application/json' },
      });
    }
    const stringKeys = props.filter(([, x]) => resolve(x).type === 'string' && !resolve(x).enum && !resolve(x).format).map(([k]) => k);
    if (stringKeys.length) out.push({ name: 'body every string NUL', url: goodUrl, json: { ...(base as object), ...Object.fromEntries(stringKeys.map((k) => [k, '\u0000'])) }, field: stringKeys[0] });
  }

  // Search bodies: the filter tree of conditions and and/or groups.
  const searchFilter = jsonSchema && resolve(jsonSchema).properties?.filter;
  if (searchFilter && (searchFilter as { oneOf?: Schema[] }).oneOf) {
    const condition = resolve((searchFilter as { oneOf: Schema[] }).oneOf[0]);
    const pattern = (condition.properties?.field as { pattern?: string } | undefined)?.pattern ?? '';
    const fields = [...(/^\^\(([^)]*)\)\$/.exec(pattern)?.[1].split('|') ?? []), 'customFields.bad_input', 'customFields.nope'];
    const search = (name: string, filter: unknown, field = 'filter') => out.push({ name: `search ${name}`, url: goodUrl, json: { filter }, field });
    for (const field of fields) {
      search(`${field} eq object`, { field, op: 'eq', value: { a: 1 } });
      search(`${field} gt array`, { field, op: 'gt', value: [1, 2] });
      search(`${field} in scalar`, { field, op: 'in', value: 'x' });
      search(`${field} isNull string`, { field, op: 'isNull', value: 'maybe' });
      search(`${field} eq garbage`, { field, op: 'eq', value: "' OR 1=1 --\u0000" });
      search(`${field} contains 100000 chars`, { field, op: 'contains', value: 'x'.repeat(100_000) });
    }
    search('unknown field', { field: 'nope', op: 'eq', value: 1 });
    search('unknown op', { field: fields[0], op: 'nope', value: 1 });
    search('condition and group at once', { field: fields[0], op: 'eq', value: 'x', and: [] });
    search('empty and', { and: [] });
    search('and of scalars', { and: [1, 'x', null] });
    search('101 conditions', { and: Array.from({ length: 101 }, () => ({ field: 'id', op: 'isNull', value: false })) });
    search('in with 501 values', { field: 'id', op: 'in', value: Array.from({ length: 501 }, () => UNKNOWN_ID) });
    const groups = (levels: number) => {
      let deep: unknown = { field: 'id', op: 'isNull', value: false };
      for (let i = 0; i < levels; i++) deep = { [i % 2 ? 'and' : 'or']: [deep] };
      return deep;
    };
    search('8 levels of groups', groups(8));
    // Past the JSON nesting limit of every body: refused as a whole (BODY_TOO_DEEP), no field to name.
    out.push({ name: 'search 50 levels of groups', url: goodUrl, json: { filter: groups(50) } });
  }

  // Multipart bodies (imports).
  if (multipart) {
    const csv = Buffer.from('First name,E-Mail\nAnna,anna@example.test\n');
    const file = (content: Buffer, filename = 'people.csv', contentType = 'text/csv') => ({ content, filename, contentType });
    const fields = { entity: 'contact', mapping: '{"First name":"firstName","E-Mail":"email"}' };
    const mp = (name: string, f: Record<string, string>, fl?: ReturnType<typeof file>, field?: string) => out.push({ name: `multipart ${name}`, url: goodUrl, multipart: { fields: f, file: fl }, field });
    mp('missing file', fields, undefined, 'file');
    mp('binary file', fields, file(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe, 0]), 'x.png', 'image/png'));
    mp('binary file named .csv', fields, file(randomBytes(2048)));
    mp('empty file', fields, file(Buffer.alloc(0)));
    mp('file without header', fields, file(Buffer.from('\n\n\n')));
    mp('header only', fields, file(Buffer.from('First name,E-Mail\n')));
    mp('NUL in cells', fields, file(Buffer.from('First name,E-Mail\nA\u0000na,anna@example.test\n')));
    mp('entity garbage', { ...fields, entity: 'abc' }, file(csv), 'entity');
    mp('mode garbage', { ...fields, mode: 'abc' }, file(csv), 'mode');
    mp('matchBy garbage', { ...fields, mode: 'update', matchBy: 'abc' }, file(csv), 'matchBy');
    mp('mapping not JSON', { ...fields, mapping: '{nope' }, file(csv), 'mapping');
    mp('mapping an array', { ...fields, mapping: '[1,2]' }, file(csv), 'mapping');
    mp('mapping values not strings', { ...fields, mapping: '{"First name":42}' }, file(csv), 'mapping');
    mp('mapping unknown target', { ...fields, mapping: '{"First name":"nope"}' }, file(csv), 'mapping');
    mp('mapping __proto__', { ...fields, mapping: '{"__proto__":"firstName"}' }, file(csv), 'mapping');
    mp('unknown field', { ...fields, nope: '1' }, file(csv), 'nope');
    mp('no fields', {}, file(csv));
    out.push({ name: 'multipart as JSON body', url: goodUrl, json: { entity: 'contact' } });
    out.push({ name: 'multipart malformed', url: goodUrl, raw: { body: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc', contentType: 'multipart/form-data; boundary=x' } });
  }

  if (!out.length) out.push({ name: 'unknown query param', url: goodUrl, query: 'nope=1' });
  return out.slice(0, MAX_VARIANTS);
}

const sampleBody = (o: Op): unknown => {
  const schema = o.op.requestBody?.content['application/json']?.schema;
  return schema ? sample(schema) : undefined;
};

async function send(t: TestApp, method: Method, v: Variant, auth?: Record<string, string>): Promise<supertest.Response> {
  let req = t.http()[method](v.query ? `${v.url}?${v.query}` : v.url);
  if (auth) req = req.set(auth);
  if (v.headers) req = req.set(v.headers);
  if (v.multipart) {
    for (const [k, value] of Object.entries(v.multipart.fields)) req = req.field(k, value);
    if (v.multipart.file) req = req.attach('file', v.multipart.file.content, { filename: v.multipart.file.filename, contentType: v.multipart.file.contentType });
    return req;
  }
  if (v.raw) return req.set('Content-Type', v.raw.contentType).send(v.raw.body as string);
  if (v.json !== undefined) return req.set('Content-Type', 'application/json').send(JSON.stringify(v.json));
  return req;
}

/** What is wrong with an answer to bad input, or undefined. */
function check(res: supertest.Response, v: Variant, authenticated: boolean): string | undefined {
  if (res.status >= 500) return `status ${res.status}`;
  if (v.expectStatus && authenticated && res.status !== v.expectStatus) return `status ${res.status}, expected ${v.expectStatus}`;
  if (res.status < 400) return undefined;
  if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) return `content-type ${res.headers['content-type']}`;
  const body = res.body as { type?: unknown; title?: unknown; status?: unknown; errors?: unknown };
  if (typeof body.type !== 'string' || typeof body.title !== 'string' || body.status !== res.status) return 'not a problem document (type, title, status)';
  if (!Array.isArray(body.errors)) return 'no errors array';
  if (res.status === 400 && v.field && authenticated) {
    const named = (body.errors as Array<{ field?: string }>).some((e) => typeof e.field === 'string' && e.field.toLowerCase().includes(v.field!.toLowerCase()));
    if (!named) return `400 does not name ${v.field} in errors`;
  }
  return undefined;
}

const describeAnswer = (res: supertest.Response) => `${res.status} ${res.headers['content-type'] ?? ''} ${(res.text ?? '').slice(0, 400)}`;

/** Paths that answer without credentials. */
const isPublic = (p: string) => !p.startsWith('/api/v1/') || p.startsWith('/api/v1/auth/');

/** `auth/*` last: see the top of the file. */
const ordered = [...operations].sort((a, b) => Number(a.path.startsWith('/api/v1/auth/')) - Number(b.path.startsWith('/api/v1/auth/')));

describe('bad input against every operation of the OpenAPI document', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  /** Ids of the spec's own records, by the collection that owns them. */
  const fixtures: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    admin = await asAdmin(t);
    const other = await seedUser(t, { role: 'sales', teams: ['Bad input'] });
    fixtures.users = other.id;
    fixtures.teams = other.teamIds[0];
    const roles = await t.http().get('/api/v1/roles?limit=200').set(admin);
    fixtures.salesRole = (roles.body.data as Array<{ id: string; name: string }>).find((r) => r.name === 'sales')!.id;
    const create = async (collection: string, body: unknown) => {
      const res = await t.http().post(`/api/v1/${collection}`).set(admin).send(body as object);
      if (res.status !== 201) throw new Error(`fixture ${collection}: ${res.status} ${res.text}`);
      fixtures[collection] = res.body.id;
    };
    await create('contacts', { firstName: 'Bad', lastName: 'Input' });
    await create('companies', { name: 'Bad Input Ltd' });
    await t.http().post('/api/v1/contacts?skipDuplicateCheck=true').set(admin).send({ firstName: 'Second' }).expect(201);
    const page = await t.http().get('/api/v1/contacts?limit=1').set(admin).expect(200);
    issuedCursor = page.body.page.nextCursor;
    if (!issuedCursor) throw new Error('no cursor issued for a list of two contacts');
    await create('activities', { type: 'note', subject: 'Bad input', body: 'Bad input', contactIds: [fixtures.contacts] });
    await create('roles', { name: 'bad-input-role', permissions: {} });
    await create('custom-fields', { entity: 'contact', key: 'bad_input', label: 'Bad input', type: 'text' });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Bodies the server accepts as they are (or refuses only for the records they name), so each variant spoils one thing. */
  const validBodies = (): Record<string, unknown> => ({
    'POST /api/v1/users': { email: `new-${randomBytes(3).toString('hex')}@example.test`, roleId: fixtures.salesRole },
    'POST /api/v1/api-keys': { name: 'bad input', roleId: fixtures.salesRole },
    'POST /api/v1/contacts': { firstName: 'Anna' },
    'POST /api/v1/contacts/batch': { create: [{ firstName: 'Anna' }] },
    'POST /api/v1/companies': { name: 'Acme' },
    'POST /api/v1/companies/batch': { create: [{ name: 'Acme' }] },
    'POST /api/v1/custom-fields': { entity: 'contact', key: 'other', label: 'Other', type: 'text' },
    'POST /api/v1/activities': { type: 'note', body: 'x', contactIds: [fixtures.contacts] },
    'POST /api/v1/contacts/merge': { primaryId: unknownUuid(), duplicateIds: [unknownUuid()] },
    'POST /api/v1/companies/merge': { primaryId: unknownUuid(), duplicateIds: [unknownUuid()] },
  });

  const idsFor = (p: string): Record<string, string> => {
    const collection = p.replace('/api/v1/', '').split('/')[0];
    return { id: fixtures[collection] ?? UNKNOWN_ID, userId: fixtures.users };
  };

  it.each(ordered.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))('%s', async (_name, o) => {
    const failures: string[] = [];
    const validBody = validBodies()[`${o.method.toUpperCase()} ${o.path}`];
    const variants = buildVariants(o, idsFor(o.path), validBody);
    // Each variant spoils one thing of a request that is fine as it is: so a 400 can only be about
    // what the variant spoiled, and must name it. The unspoiled request must not be a 400 itself.
    if (o.op.requestBody?.content['application/json']) {
      const res = await send(t, o.method, { name: 'unspoiled', url: fillPath(o.path, idsFor(o.path)), json: validBody ?? sampleBody(o) }, admin);
      if (res.status === 400) failures.push(`[admin] ${o.method.toUpperCase()} ${o.path} — the unspoiled body is refused: give a valid one in validBodies\n    → ${describeAnswer(res)}`);
    }

    for (const v of variants) {
      const res = await send(t, o.method, v, admin);
      const problem = check(res, v, true);
      if (problem) failures.push(`[admin] ${o.method.toUpperCase()} ${o.path} — ${v.name}: ${problem}\n    → ${describeAnswer(res)}`);
    }
    // Without credentials: the first few hostile variants; and a protected operation answers 401 to
    // no, garbage or foreign credentials before it looks at the input.
    for (const v of variants.slice(0, 6)) {
      const res = await send(t, o.method, v);
      const problem = check(res, v, false);
      if (problem) failures.push(`[anonymous] ${o.method.toUpperCase()} ${o.path} — ${v.name}: ${problem}\n    → ${describeAnswer(res)}`);
    }
    if (!isPublic(o.path)) {
      const credentials: Array<[string, Record<string, string>]> = [
        ['no credentials', {}],
        ['garbage bearer', { Authorization: 'Bearer nope.nope.nope' }],
        ['bearer 5000 chars', { Authorization: `Bearer ${'a'.repeat(5000)}` }],
        ['basic auth', { Authorization: 'Basic YWRtaW46YWRtaW4=' }],
        ['garbage API key', { 'X-API-Key': "crm_' OR 1=1 --" }],
      ];
      for (const [name, headers] of credentials) {
        const res = await send(t, o.method, { name, url: fillPath(o.path, {}), headers });
        if (res.status !== 401 || check(res, { name, url: '' }, false)) failures.push(`[anonymous] ${o.method.toUpperCase()} ${o.path} — ${name}: expected a 401 problem\n    → ${describeAnswer(res)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
