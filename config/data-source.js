// The data source of the TypeORM CLI and scripts/generate-migration.js: the compiled entities and
// migrations under dist/ (run `npm run build` first) on the database named by DATABASE_URL.
//   DATABASE_URL=postgres://… npx typeorm -d config/data-source.js migration:show
'use strict';
const path = require('node:path');
const { DataSource } = require('typeorm');

const dist = path.resolve(__dirname, '..', 'dist');
let options;
try {
  ({ dataSourceOptions: options } = require(path.join(dist, 'platform/database/data-source-options.js')));
} catch {
  throw new Error('config/data-source.js needs the compiled app: run `npm run build` first.');
}
if (!process.env.DATABASE_URL) throw new Error('config/data-source.js: set DATABASE_URL (postgres://user:pass@host:5432/db).');

module.exports = new DataSource({
  ...options(process.env.DATABASE_URL, 2),
  entities: [`${dist.replace(/\\/g, '/')}/**/*.entity.js`],
  migrations: [`${dist.replace(/\\/g, '/')}/migrations/*.js`],
});
