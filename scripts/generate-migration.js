#!/usr/bin/env node
// Writes migrations/<timestamp>-<name>.ts with the SQL that brings the database at DATABASE_URL
// (migrated to the current state) in line with the compiled entities. A starting point for review:
// read the SQL, name indexes and constraints as the house style wants, and check `down`.
//   npm run migration:generate -- sales-deals [--timestamp 1764200500000]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const USAGE = 'usage: npm run migration:generate -- <module>-<change> [--timestamp <ms>]   (DATABASE_URL must point at a migrated scratch database)';

function pascal(name) {
  return name
    .split('-')
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** A query as TypeScript source: a template literal that survives backticks, `${` and backslashes. */
function literal(sql) {
  return '`' + sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

function statements(queries) {
  return queries
    .map((q) => `    await q.query(${literal(q.query)}${q.parameters && q.parameters.length ? `, ${JSON.stringify(q.parameters)}` : ''});`)
    .join('\n');
}

async function main() {
  let args;
  try {
    args = parseArgs({ args: process.argv.slice(2), options: { timestamp: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  const [name] = args.positionals;
  if (!name || args.positionals.length > 1 || !/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(name)) {
    console.error(`The name must be kebab-case <module>-<change>, e.g. sales-deals.\n${USAGE}`);
    return 2;
  }
  const timestamp = args.values.timestamp ?? String(Date.now());
  if (!/^\d{13}$/.test(timestamp)) {
    console.error(`--timestamp must be 13 digits (milliseconds).\n${USAGE}`);
    return 2;
  }

  const dataSource = require('../config/data-source.js');
  await dataSource.initialize();
  try {
    const pending = await dataSource.showMigrations();
    if (pending) {
      console.error('The database has pending migrations: run `npx crm migrate` on it first, so that only new changes are generated.');
      return 1;
    }
    const { upQueries, downQueries } = await dataSource.driver.createSchemaBuilder().log();
    if (!upQueries.length) {
      console.log('The entities match the schema: no migration to generate.');
      return 0;
    }
    const className = `${pascal(name)}${timestamp}`;
    const file = path.resolve(__dirname, '..', 'migrations', `${timestamp}-${name}.ts`);
    if (fs.existsSync(file)) {
      console.error(`${path.relative(process.cwd(), file)} exists already.`);
      return 1;
    }
    const source = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(q: QueryRunner): Promise<void> {
${statements(upQueries)}
  }

  public async down(q: QueryRunner): Promise<void> {
${statements([...downQueries].reverse())}
  }
}
`;
    fs.writeFileSync(file, source);
    console.log(`wrote ${path.relative(process.cwd(), file)} (${upQueries.length} statements up, ${downQueries.length} down)`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err.message);
    process.exit(1);
  },
);
