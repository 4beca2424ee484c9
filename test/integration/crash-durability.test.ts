import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureListResponse } from '../../shared/api.ts';
import { spawnMiahook } from '../helpers/spawn-miahook.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('kill -9 during a burst of callbacks', () => {
  it('loses none of the callbacks it acknowledged', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-crash-'));
    const first = await spawnMiahook(dataDir, ['--rate-limit', '0']);
    const acked = new Set<string>();
    let sent = 0;
    const sendOne = async (n: number) => {
      try {
        const response = await fetch(first.runtime.callbackUrl!, { method: 'POST', body: `{"burst":${n},"pad":"${'x'.repeat(900)}"}`, headers: { 'content-type': 'application/json' } });
        if (response.status === 200) acked.add(((await response.json()) as { id: string }).id);
      } catch {
        // the process was killed mid-request: not acknowledged
      }
    };
    const workers = Array.from({ length: 16 }, async () => {
      while (sent < 5000 && first.child.exitCode === null && first.child.signalCode === null) await sendOne(sent++);
    });
    await waitFor(() => acked.size >= 150, { timeoutMs: 20_000 });
    first.child.kill('SIGKILL');
    await Promise.all(workers);
    await first.exited;
    expect(sent).toBeGreaterThan(acked.size);

    const second = await spawnMiahook(dataDir);
    try {
      expect(second.output.stderr).toMatch(/no longer running; taking it over/);
      const stored = new Set<string>();
      let before: number | null | undefined;
      do {
        const page = (await (await fetch(`${second.runtime.inspectorUrl}/api/captures?limit=500${before ? `&before=${before}` : ''}`, { headers: { authorization: `Bearer ${second.runtime.token}` } })).json()) as CaptureListResponse;
        for (const item of page.items) stored.add(item.id);
        before = page.nextBefore;
      } while (before);
      const lost = [...acked].filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
