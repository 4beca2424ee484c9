// Builds the inspector UI with Vite before browser tests when ui/dist is missing or older than the UI sources.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = [join(ROOT, 'ui/src'), join(ROOT, 'ui/index.html'), join(ROOT, 'shared')];
const BUILT = join(ROOT, 'ui/dist/index.html');

/** Runs `vite build` (in process) unless ui/dist/index.html is newer than every UI source file. */
export async function ensureUiBuilt(): Promise<void> {
  const built = await stat(BUILT).then((info) => info.mtimeMs, () => 0);
  const newest = Math.max(...(await Promise.all(SOURCES.map(newestMtime))));
  if (built > newest) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { withFileTypes: true });
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry.name))));
  return Math.max(info.mtimeMs, ...times);
}
