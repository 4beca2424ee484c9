// The data-dir lock: a live owner refuses a second one with a clear message; a dead owner's lock is taken over.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from '../../server/data-dir/lock.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Field 22 of /proc/<pid>/stat, read here by hand. */
async function readStartTime(pid: number): Promise<string> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ')[19]!;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCK_MODULE = new URL('../../server/data-dir/lock.ts', import.meta.url).href;

let dataDir: string;
let child: ChildProcess | null = null;
const warnings: string[] = [];
const log = (line: string) => warnings.push(line);

/** Starts a real process that takes the lock and holds it until killed; resolves once it holds it. */
async function startOwner(): Promise<ChildProcess> {
  const script = join(dataDir, '..', `${Date.now()}-owner.mts`);
  await writeFile(script, `import { acquireDataDirLock } from ${JSON.stringify(LOCK_MODULE)};\nawait acquireDataDirLock(${JSON.stringify(dataDir)});\nconsole.log('locked');\nsetInterval(() => {}, 1000);\n`);
  const owner = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  owner.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    owner.stdout!.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('locked')) resolve();
    });
    owner.once('exit', (code) => reject(new Error(`the lock owner exited early with ${code}`)));
  });
  return owner;
}

beforeEach(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'miahook-lock-')), 'data');
  warnings.length = 0;
});

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = null;
});

describe('data-dir lock', () => {
  it('creates miahook.lock with our pid, and release is idempotent', async () => {
    const lock = await acquireDataDirLock(dataDir, { log });
    expect(await readFile(join(dataDir, 'miahook.lock'), 'utf8')).toBe(`${process.pid} ${await readStartTime(process.pid)}\n`);
    await lock.release();
    await lock.release();
    await expect(stat(join(dataDir, 'miahook.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    const again = await acquireDataDirLock(dataDir, { log });
    await again.release();
    expect(warnings).toEqual([]);
  });

  it('refuses while the owner lives, with a message that says what to do', async () => {
    const lock = await acquireDataDirLock(dataDir, { log });
    const refused = acquireDataDirLock(dataDir, { log });
    await expect(refused).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(refused).rejects.toThrow(`Another miahook (pid ${process.pid}) is using ${dataDir}. Stop it, or start this one with --data-dir <other dir>.`);
    await lock.release();
  });

  it('refuses a second process, then takes the lock over once that process is killed', async () => {
    child = await startOwner();
    const ownerPid = child.pid!;
    await expect(acquireDataDirLock(dataDir, { log })).rejects.toMatchObject({ name: 'DataDirLockedError', pid: ownerPid });
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await readFile(join(dataDir, 'miahook.lock'), 'utf8')).toMatch(new RegExp(`^${ownerPid} \\d+\n$`));
    const lock = await acquireDataDirLock(dataDir, { log });
    expect(await readFile(join(dataDir, 'miahook.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\n$`));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`pid ${ownerPid}, which is no longer running`);
    await lock.release();
  });

  it('takes over a lock holding a dead pid or unreadable text', async () => {
    const shortLived = spawn(process.execPath, ['-e', '']);
    await once(shortLived, 'exit');
    await acquireDataDirLock(dataDir, { log }).then((lock) => lock.release());
    await writeFile(join(dataDir, 'miahook.lock'), `${shortLived.pid}\n`);
    const lock = await acquireDataDirLock(dataDir, { log });
    await lock.release();
    await writeFile(join(dataDir, 'miahook.lock'), 'not a pid');
    await (await acquireDataDirLock(dataDir, { log })).release();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`pid ${shortLived.pid}`);
    expect(warnings[1]).toContain('unreadable owner');
  });

  it('takes over a lock whose pid now names another program (pid 1 with another start time, or an old pid-only file)', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'miahook.lock'), `1 ${Number(await readStartTime(1)) + 12345}\n`);
    await (await acquireDataDirLock(dataDir, { log })).release();
    await writeFile(join(dataDir, 'miahook.lock'), '1\n');
    await (await acquireDataDirLock(dataDir, { log })).release();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('pid 1, which is no longer running; taking it over');
    // A live miahook with the recorded start time still holds it.
    await writeFile(join(dataDir, 'miahook.lock'), `${process.pid} ${await readStartTime(process.pid)}\n`);
    await expect(acquireDataDirLock(dataDir, { log })).rejects.toBeInstanceOf(DataDirLockedError);
  });

  it('takes over a lock held by a zombie (killed, not yet reaped)', async () => {
    // sh starts a child that exits shortly, then becomes `sleep`, which never reaps it: the child stays a zombie.
    child = spawn('/bin/sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const zombie = Number(line.toString().trim());
    await waitFor(async () => (await readFile(`/proc/${zombie}/stat`, 'utf8')).split(') ')[1]!.startsWith('Z'));
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'miahook.lock'), `${zombie} ${await readStartTime(zombie)}\n`);
    await (await acquireDataDirLock(dataDir, { log })).release();
    expect(warnings).toEqual([expect.stringContaining(`pid ${zombie}, which is no longer running`)]);
  });

  it('does not remove a lock that another owner has taken since', async () => {
    const lock = await acquireDataDirLock(dataDir, { log });
    await writeFile(join(dataDir, 'miahook.lock'), '1\n');
    await lock.release();
    expect(await readFile(join(dataDir, 'miahook.lock'), 'utf8')).toBe('1\n');
  });
});
