// Test helper: runs `npm run build` (server and shared to dist/, the UI to dist/ui) when dist/ is missing or older than a source.

import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['server', 'shared', 'ui/src', 'ui/index.html', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts'].map((path) => join(ROOT, path));
const BUILT = ['dist/ui/index.html', 'dist/server/bin/miahook.js'].map((path) => join(ROOT, path));

/** Builds unless every built marker is newer than every source file; returns whether it built. */
export async function ensureBuilt(): Promise<boolean> {
  const built = Math.min(...(await Promise.all(BUILT.map((path) => stat(path).then((info) => info.mtimeMs, () => 0)))));
  const newest = Math.max(...(await Promise.all(SOURCES.map(newestMtime))));
  if (built > newest) return false;
  try {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  return true;
}

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { withFileTypes: true });
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry.name))));
  return Math.max(info.mtimeMs, ...times);
}
