import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListResponse } from '../../shared/api.ts';
import { spawnMiahook } from '../helpers/spawn-miahook.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startTestInstance } from '../helpers/start-instance.ts';

describe('data dir', () => {
  it('keeps captures across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-restart-'));
    const first = await startTestInstance({ dataDir });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(((await (await fetch(first.callbackUrl, { method: 'POST', body: `{"n":${i}}` })).json()) as { id: string }).id);
    await first.close();
    const second = await startTestInstance({ dataDir });
    try {
      const list = (await (await second.api('/api/captures')).json()) as CaptureListResponse;
      expect(list.items.map((item) => item.id)).toEqual([...ids].reverse());
      // The bytes come back too (they live in captures/bodies, apart from the index).
      const bodies = await Promise.all(ids.map(async (id) => Buffer.from(((await (await second.api(`/api/captures/${id}`)).json()) as CaptureDetail).bodyBase64, 'base64').toString()));
      expect(bodies).toEqual(ids.map((_, i) => `{"n":${i}}`));
      const next = ((await (await fetch(second.callbackUrl, { method: 'POST', body: '{}' })).json()) as { id: string }).id;
      const after = (await (await second.api('/api/captures?limit=1')).json()) as CaptureListResponse;
      expect(after.items[0]!.id).toBe(next);
      expect(after.items[0]!.seq).toBeGreaterThan(list.items[0]!.seq);
    } finally {
      await second.close();
    }
  });

  it('refuses a second instance on the same data dir with a clear message and exit 2', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-lock-'));
    const first = await spawnMiahook(dataDir);
    try {
      const second = await runCli(['--port', '0', '--ingress-port', '0', '--emulator-port', '0', '--data-dir', dataDir]);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(new RegExp(`Another miahook \\(pid ${first.child.pid}\\)`));
      expect(second.stderr).toMatch(/--data-dir/);
      const status = await fetch(`${first.runtime.inspectorUrl}/api/status`, { headers: { authorization: `Bearer ${first.runtime.token}` } });
      expect(status.status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });

  it('moves a corrupt store file aside with a warning and keeps the rest', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-corrupt-'));
    const first = await startTestInstance({ dataDir });
    await fetch(first.callbackUrl, { method: 'POST', body: '{"keep":"me"}' });
    await first.close();
    const segments = (await readdir(join(dataDir, 'captures'))).filter((name) => name.endsWith('.json'));
    expect(segments.length).toBeGreaterThan(0);
    const victim = join(dataDir, 'captures', segments[0]!);
    const original = await readFile(victim, 'utf8');
    await writeFile(victim, original.slice(0, Math.floor(original.length / 2)));
    const second = await startTestInstance({ dataDir });
    try {
      expect(second.logs.join('\n')).toMatch(/corrupt/i);
      const aside = (await readdir(join(dataDir, 'captures'))).filter((name) => name.includes('.corrupt-'));
      expect(aside.length).toBe(1);
      expect(await readFile(join(dataDir, 'captures', aside[0]!), 'utf8')).toBe(original.slice(0, Math.floor(original.length / 2)));
      expect((await second.api('/api/status')).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('writes runtime.json with mode 0600 and the documented fields', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-runtime-'));
    const app = await startTestInstance({ dataDir });
    try {
      const path = join(dataDir, 'runtime.json');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const runtime = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      expect(runtime).toMatchObject({ pid: process.pid, inspectorUrl: app.inspectorUrl, ingressUrl: app.ingressUrl, callbackUrl: app.callbackUrl, token: app.token, emulatorUrl: app.emulator.url, emulator: app.emulator.credentials });
    } finally {
      await app.close();
    }
  });
});

describe('ports in use', () => {
  it('exits 2 with a message naming the busy port and the flags', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    try {
      const dataDir = await mkdtemp(join(tmpdir(), 'miahook-busy-'));
      const run = await runCli(['--port', '0', '--ingress-port', '0', '--emulator-port', String(busy), '--data-dir', dataDir]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`the emulator port ${busy} on 127\\.0\\.0\\.1 is in use.*--emulator-port`));
    } finally {
      blocker.close();
    }
  });
});
