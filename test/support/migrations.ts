import * as fs from 'node:fs';
import * as path from 'node:path';

/** The migration classes, loaded through jest's transform (TypeORM's own loader would bypass it). */
export function loadMigrationClasses(): Function[] {
  const dir = path.resolve(__dirname, '../../migrations');
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+-.*\.ts$/.test(f))
    .sort()
    .map((f) => {
      const mod = require(path.join(dir, f)) as Record<string, Function>;
      return Object.values(mod)[0];
    });
}
