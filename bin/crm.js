#!/usr/bin/env node
'use strict';
// The ops CLI; the TypeScript sources compile to dist/ (npm run build).
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('crm: dist/cli.js is missing; run `npm run build` first.\n');
  process.exit(1);
}
require(entry);
