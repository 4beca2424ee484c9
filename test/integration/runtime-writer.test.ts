// runtime.json kept true while an instance runs: updates land in order, and remove() is the last word.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runtimeFilePath, type RuntimeInfo } from '../../server/data-dir/runtime-file.ts';
import { createRuntimeWriter } from '../../server/data-dir/runtime-writer.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function makeDir() {
  const dir = await mkdtemp(join(tmpdir(), 'miahook-runtime-'));
  dirs.push(dir);
  return dir;
}

describe('createRuntimeWriter', () => {
  it('writes the state as it is when its turn comes, one write after another, the newest last', async () => {
    const dir = await makeDir();
    let publicUrl: string | null = null;
    const writer = createRuntimeWriter(dir, (): RuntimeInfo => ({ pid: 1, startedAt: 'now', mode: 'emulator', publicUrl }));
    const writes: Array<Promise<void>> = [];
    for (const url of ['https://a.example', 'https://b.example', 'https://c.example']) {
      publicUrl = url;
      writes.push(writer.update());
    }
    await Promise.all(writes);
    expect(JSON.parse(await readFile(runtimeFilePath(dir), 'utf8'))).toMatchObject({ publicUrl: 'https://c.example' });
  });

  it('removes the file after the writes already queued, and writes nothing afterwards', async () => {
    const dir = await makeDir();
    const writer = createRuntimeWriter(dir, (): RuntimeInfo => ({ pid: 1, startedAt: 'now', mode: 'emulator' }));
    await writer.update();
    const late = writer.update(); // e.g. the tunnel reporting "off" while the instance shuts down
    await writer.remove();
    await late;
    expect(existsSync(runtimeFilePath(dir))).toBe(false);
    await writer.update();
    expect(existsSync(runtimeFilePath(dir))).toBe(false);
  });

  it('rejects the update whose write fails, and the next one still runs', async () => {
    const dir = await makeDir();
    const writer = createRuntimeWriter(join(dir, 'missing'), (): RuntimeInfo => ({ pid: 1, startedAt: 'now', mode: 'emulator' }));
    await expect(writer.update()).rejects.toThrow(/ENOENT/);
    await expect(writer.remove()).resolves.toBeUndefined();
  });
});
