'use strict';
// The import measured by the contacts bench (bench/contacts/run.js) and by import-file.js: the
// CSV another CRM could export, its mapping, and the worker's peak memory.
const fs = require('node:fs');

const IMPORT_MAPPING = { 'First name': 'firstName', 'Last name': 'lastName', 'E-mail': 'email', Phone: 'phone', 'Job title': 'jobTitle', City: 'city', Country: 'country', Tags: 'tags' };

/**
 * `rows` contacts: names with accents, emails in mixed case (`<prefix>.<n>@…`, so another prefix
 * gives rows all new to a database that imported the default one), phones, cities, tags.
 */
async function writeImportCsv(file, rows, prefix = 'Import') {
  const first = ['Zoé', 'Jérôme', 'François', 'Hélène', 'Björn', 'Łukasz', 'María', 'João', 'Anaïs', 'Noël', 'Claire', 'Marc'];
  const last = ['Lefèvre', 'Müller', 'García', 'Dvořák', 'Østergaard', 'Nowak', 'Dubois', "O'Brien", 'Gonçalves', 'Da Silva', 'Moreau', 'Pérez'];
  const cities = ['Lyon', 'Lyon', 'Lyon', 'Paris', 'Grenoble', 'Genève', 'München', 'Kraków'];
  const out = fs.createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(`\ufeff${Object.keys(IMPORT_MAPPING).join(',')}\r\n`);
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const city = cities[(i * 13) % cities.length];
    chunk +=
      `${first[i % first.length]},"${last[(i * 7) % last.length]}",${prefix}.${i}@Example-${i % 97}.org,+3361${String(i).padStart(7, '0')},` +
      `${i % 3 ? 'Acheteur' : ''},${city},${city === 'München' ? 'DE' : 'FR'},${i % 5 ? 'import' : 'import;vip'}\r\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
}

function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

module.exports = { IMPORT_MAPPING, writeImportCsv, peakRssMb };
