import Ajv from 'ajv';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestApp, TestApp } from '../support/app';

const COMMITTED = path.resolve(__dirname, '../../openapi.json');

/**
 * openapi.json is an artefact under review: the served document must equal the committed one
 * (`npm run openapi:write` refreshes it) and pass `redocly lint` with no errors.
 */
describe('OpenAPI document', () => {
  let t: TestApp;
  let served: Record<string, unknown>;
  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http().get('/docs-json');
    expect(res.status).toBe(200);
    served = res.body;
    if (process.env.OPENAPI_WRITE === '1') fs.writeFileSync(COMMITTED, `${JSON.stringify(served, null, 2)}\n`);
  });
  afterAll(async () => {
    await t.close();
  });

  it('is the committed openapi.json (run `npm run openapi:write` after changing the API)', () => {
    const committed = JSON.parse(fs.readFileSync(COMMITTED, 'utf8'));
    expect(served).toEqual(committed);
  });

  it('passes redocly lint with no errors', () => {
    const bin = path.resolve(__dirname, '../../node_modules/.bin/redocly');
    try {
      execFileSync(bin, ['lint', COMMITTED, '--config', path.resolve(__dirname, '../../redocly.yaml'), '--format', 'stylish'], {
        stdio: 'pipe',
        timeout: 120_000,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
    } catch (err) {
      const e = err as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`redocly lint failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`, { cause: err });
    }
  });

  describe('conventions every operation follows', () => {
    type Json = Record<string, any>;
    const doc = () => served as Json;
    const operations = () =>
      Object.entries(doc().paths as Json).flatMap(([p, item]) =>
        Object.entries(item as Json)
          .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
          .map(([method, op]) => ({ name: `${method.toUpperCase()} ${p}`, path: p, op: op as Json })),
      );
    /** A response, its `$ref` to components.responses resolved. */
    const response = (op: Json, status: string): Json | undefined => {
      const r = op.responses?.[status];
      return r?.$ref ? doc().components.responses[r.$ref.split('/').pop()] : r;
    };
    const isProblem = (r: Json | undefined) => !!r?.content?.['application/problem+json']?.schema;
    const schemas = () => doc().components.schemas as Json;
    /** Strict OAS 3.0 semantics: `nullable` adds null to `type` only, every other keyword still applies. */
    const validator = () => {
      const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
      ajv.addSchema({ $id: 'openapi.json', components: { schemas: schemas() } });
      return (pointer: string, value: unknown) => ajv.validate({ $ref: `openapi.json#/components/schemas/${pointer}` }, value);
    };

    it('declares 413 and 415 (problem+json) on every operation with a JSON body', () => {
      const withBody = operations().filter(({ op }) => Object.keys(op.requestBody?.content ?? {}).includes('application/json'));
      expect(withBody.length).toBeGreaterThan(20);
      const missing = withBody.filter(({ op }) => !isProblem(response(op, '413')) || !isProblem(response(op, '415'))).map((o) => o.name);
      expect(missing).toEqual([]);
    });

    it('declares 429 with Retry-After on every /api/v1 operation', () => {
      const missing = operations()
        .filter((o) => o.path.startsWith('/api/v1/'))
        .filter(({ op }) => !isProblem(response(op, '429')) || !response(op, '429')?.headers?.['Retry-After'])
        .map((o) => o.name);
      expect(missing).toEqual([]);
    });

    it('declares 409 on PATCH and restore of contacts and companies (externalId taken)', () => {
      for (const p of ['/api/v1/contacts/{id}', '/api/v1/companies/{id}']) {
        expect(isProblem(response(doc().paths[p].patch, '409'))).toBe(true);
        expect(isProblem(response(doc().paths[`${p}/restore`].post, '409'))).toBe(true);
      }
    });

    it('documents mergeId on the 409 of the merge endpoints', () => {
      for (const p of ['/api/v1/contacts/merge', '/api/v1/companies/merge', '/api/v1/contacts/merges/{id}/undo', '/api/v1/companies/merges/{id}/undo']) {
        const schema = response(doc().paths[p].post, '409')?.content['application/problem+json'].schema;
        expect(JSON.stringify(schema)).toContain('#/components/schemas/ProblemDto');
        expect(schema.allOf?.some((s: Json) => s.properties?.mergeId?.format === 'uuid')).toBe(true);
      }
    });

    it('lets every nullable property of a schema be null under strict OAS 3.0 validation', () => {
      const validate = validator();
      const refused: string[] = [];
      let nullable = 0;
      for (const [name, schema] of Object.entries(schemas())) {
        for (const [prop, s] of Object.entries((schema.properties ?? {}) as Json)) {
          const isNullable = s.nullable === true || s.anyOf?.some((alt: Json) => alt.nullable === true);
          if (!isNullable) continue;
          nullable++;
          if (!validate(`${name}/properties/${prop}`, null)) refused.push(`${name}.${prop}`);
        }
      }
      expect(nullable).toBeGreaterThan(50);
      expect(refused).toEqual([]);
      // …and still refuse what is not null nor the referenced shape.
      expect(validate('ContactResponseDto/properties/lifecycleStage', 'bogus')).toBe(false);
      expect(validate('ContactResponseDto/properties/address', 'Riga')).toBe(false);
      expect(validate('ContactResponseDto/properties/address', { city: 'Riga', street: null, region: null, postalCode: null, country: 'LV' })).toBe(true);
      expect(validate('CompanyResponseDto/properties/annualRevenue', { amount: '1.00', currency: 'EUR' })).toBe(true);
    });

    it('lists null among the values of every nullable enum, and writes no nullable beside allOf or $ref', () => {
      const offenders: string[] = [];
      const walk = (node: unknown, at: string): void => {
        if (!node || typeof node !== 'object') return;
        const n = node as Json;
        if (n.nullable === true && Array.isArray(n.enum) && !n.enum.includes(null)) offenders.push(`${at}: enum without null`);
        if (n.nullable === true && (n.allOf || n.$ref)) offenders.push(`${at}: nullable beside allOf/$ref`);
        for (const [k, v] of Object.entries(n)) if (k !== 'example' && k !== 'examples') walk(v, `${at}/${k}`);
      };
      walk(served, '#');
      expect(offenders).toEqual([]);
      expect(schemas().ContactResponseDto.properties.lifecycleStage.enum).toContain(null);
    });

    it('types every version as an integer', () => {
      const versioned = Object.entries(schemas()).filter(([, s]) => s.properties?.version);
      expect(versioned.length).toBeGreaterThanOrEqual(9);
      expect(versioned.filter(([, s]) => s.properties.version.type !== 'integer').map(([name]) => name)).toEqual([]);
    });

    it('states what CreateCompanyDto requires and bounds', () => {
      expect(schemas().CreateCompanyDto.required).toContain('name');
      expect(schemas().CreateCompanyDto.properties.employees).toMatchObject({ type: 'integer', minimum: 0, maximum: 10_000_000 });
    });

    it('takes the sort of a search body as a string or an array of strings', () => {
      const search = operations().filter((o) => o.path.endsWith('/search'));
      expect(search.length).toBeGreaterThanOrEqual(3);
      const ajv = new Ajv({ strict: false, validateFormats: false });
      for (const { op } of search) {
        const sort = op.requestBody.content['application/json'].schema.properties.sort;
        expect(ajv.validate(sort, '-createdAt,id')).toBe(true);
        expect(ajv.validate(sort, ['-createdAt', 'id'])).toBe(true);
        expect(ajv.validate(sort, 42)).toBe(false);
      }
    });
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http().get('/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });
});
