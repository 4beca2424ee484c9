// Where miahook's own files are, whether it runs from the sources (server/app/paths.ts) or the build
// (dist/server/app/paths.js, in a checkout or an installed package), independent of the working directory.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this file with a package.json (dist/ has none). */
const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
/** The built inspector UI: `vite build` writes it to dist/ui, which the package ships. */
export const UI_DIR = join(PACKAGE_ROOT, 'dist', 'ui');
export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`miahook cannot find its package.json above ${start}; reinstall miahook.`);
  }
}
