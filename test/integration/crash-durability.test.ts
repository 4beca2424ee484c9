import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListResponse } from '../../shared/api.ts';
import { spawnMiahook } from '../helpers/spawn-miahook.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('kill -9 during a burst of callbacks', () => {
  it('loses none of the callbacks it acknowledged', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-crash-'));
    const first = await spawnMiahook(dataDir, ['--rate-limit', '0']);
    /** Id of each acknowledged capture -> the body sent. */
    const acked = new Map<string, string>();
    let sent = 0;
    const sendOne = async (n: number) => {
      try {
        const body = `{"burst":${n},"pad":"${'x'.repeat(900)}"}`;
        const response = await fetch(first.runtime.callbackUrl!, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        if (response.status === 200) acked.set(((await response.json()) as { id: string }).id, body);
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
      const lost = [...acked.keys()].filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      // Their bytes too: each one's body reads back as sent.
      const bytesLost: string[] = [];
      for (const [id, body] of acked) {
        const detail = (await (await fetch(`${second.runtime.inspectorUrl}/api/captures/${id}`, { headers: { authorization: `Bearer ${second.runtime.token}` } })).json()) as CaptureDetail;
        if (Buffer.from(detail.bodyBase64 ?? '', 'base64').toString() !== body) bytesLost.push(id);
      }
      expect(bytesLost).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
