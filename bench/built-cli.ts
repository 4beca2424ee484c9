// Finds the miahook CLI the way users run it (package.json "bin", the built dist/), and builds it first when it
// is missing or older than the sources it comes from, so the bench never measures stale code.

import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the build compiles into the CLI (the UI does not change ingress numbers). */
const SOURCES = ['server', 'shared', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

async function findNewestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await findNewestMtime(join(path, entry)));
  return newest;
}

function runBuild(log: (line: string) => void): Promise<void> {
  log('building the CLI (npm run build) ...');
  return new Promise((resolve, reject) => {
    // The build's output goes to stderr, so that stdout stays the bench's tables.
    const child = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited ${code}: the bench needs the built CLI.`))));
  });
}

/** The absolute path of the built `miahook` bin, built or rebuilt when needed. */
export async function ensureBuiltCli(log: (line: string) => void): Promise<string> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  const bin = pkg.bin?.miahook;
  if (!bin) throw new Error('package.json has no "bin": {"miahook": ...}; the bench runs the CLI as a user would.');
  const path = join(ROOT, bin);
  const built = await stat(path).then((info) => info.mtimeMs, () => 0);
  const sources = Math.max(...(await Promise.all(SOURCES.map((source) => findNewestMtime(join(ROOT, source))))));
  if (built < sources) await runBuild(log);
  await stat(path).catch(() => {
    throw new Error(`${path} does not exist after npm run build: package.json's "bin" and the build disagree.`);
  });
  return path;
}
