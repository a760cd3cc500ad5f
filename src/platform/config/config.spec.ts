import * as fs from 'node:fs';
import * as path from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { ConfigError, EnvironmentVariables, loadConfig } from './config';

const ENV_EXAMPLE = path.resolve(__dirname, '../../../.env.example');

/** NAME=value lines of .env.example (quotes removed). */
function documented(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(ENV_EXAMPLE, 'utf8').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const API_ENV = { DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h:6379', JWT_SECRET: 'x'.repeat(32) };

describe('.env.example', () => {
  it('documents exactly the variables the box reads', () => {
    // Every decorated property, with or without a default.
    const declared = getMetadataStorage()
      .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
      .map((m) => m.propertyName);
    expect([...documented().keys()].sort()).toEqual([...new Set(declared)].sort());
  });

  it('gives each variable its real default', () => {
    const defaults = new EnvironmentVariables() as unknown as Record<string, unknown>;
    for (const [name, value] of documented()) {
      expect({ name, value }).toEqual({ name, value: defaults[name] === undefined ? '' : String(defaults[name]) });
    }
  });

  it('is a valid configuration for box mode as it stands', () => {
    expect(() => loadConfig('box', Object.fromEntries(documented()))).not.toThrow();
  });
});

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig('api', API_ENV);
    expect(config.http).toMatchObject({ port: 3000, host: '0.0.0.0', publicUrl: 'http://localhost:3000', corsOrigins: [] });
    expect(config.database.poolSize).toBe(10);
    expect(config.redis.prefix).toBe('crm');
  });

  it('names each malformed variable, with what was given', () => {
    const problems = problemsOf(() =>
      loadConfig('api', { ...API_ENV, PORT: 'eighty', DATABASE_URL: 'mysql://h/db', TIMEZONE: 'Mars/Olympus', TRUST_PROXY: 'maybe' }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: .*\(got "eighty"\)/),
        expect.stringMatching(/^DATABASE_URL: must be a postgres:\/\/ URL/),
        expect.stringMatching(/^TIMEZONE: not an IANA time zone/),
        expect.stringMatching(/^TRUST_PROXY: /),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('puts every problem in the error message, one per line', () => {
    expect(() => loadConfig('api', { ...API_ENV, DATABASE_POOL_SIZE: '0' })).toThrow(/Invalid configuration:\n {2}DATABASE_POOL_SIZE: /);
  });

  it('requires the database, Redis and a JWT secret outside box mode', () => {
    const problems = problemsOf(() => loadConfig('api', {}));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL']);
    expect(problemsOf(() => loadConfig('cli', {})).map((p) => p.split(':')[0])).toEqual(['DATABASE_URL']);
  });

  it('needs nothing in box mode (embedded services, generated secret)', () => {
    const config = loadConfig('box', {});
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.mode).toBe('box');
  });

  it('treats empty values as unset', () => {
    const config = loadConfig('box', { DATABASE_URL: '', PUBLIC_URL: '', PORT: '' });
    expect(config.database.url).toBeUndefined();
    expect(config.http.port).toBe(3000);
  });
});
