// A damaged emulator/payments.json is set aside with a warning, like the store's files: miahook starts (no
// "unexpected error", no exit 1, no stack trace) and the emulator begins with no payments.

import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnMiahook } from '../helpers/spawn-miahook.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('damaged emulator/payments.json', () => {
  it('is moved aside with a warning and the instance starts and works', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-emu-damaged-'));
    const damaged = '{"version":1,"payments":[{"paymentId":"p-1","status":"CRE';
    await mkdir(join(dataDir, 'emulator'), { recursive: true, mode: 0o700 });
    await writeFile(join(dataDir, 'emulator', 'payments.json'), damaged);
    const app = await spawnMiahook(dataDir, ['--emulator-speed', '50']);
    let code: number | null;
    try {
      const output = `${app.output.stdout}\n${app.output.stderr}`;
      expect(output).toMatch(/warning: .*payments\.json could not be read: it is not valid JSON .*moved to .*payments\.json\.corrupt-/);
      const aside = (await readdir(join(dataDir, 'emulator'))).filter((name) => name.startsWith('payments.json.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(await readFile(join(dataDir, 'emulator', aside[0]!), 'utf8')).toBe(damaged);
      const { token, inspectorUrl } = app.runtime;
      const created = await fetch(`${inspectorUrl}/api/payments`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"amount":2}' });
      expect(created.status).toBe(201);
      const file = join(dataDir, 'emulator', 'payments.json');
      await waitFor(async () => (JSON.parse(await readFile(file, 'utf8')) as { payments: unknown[] }).payments.length === 1);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      code = await app.stop();
    }
    expect(code).toBe(0);
    expect(app.output.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });
});
