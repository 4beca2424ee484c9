// kill -9 of a real process appending to the store during a burst (checkpoints running): nothing it acknowledged is lost.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore, type CaptureDraft } from '../../server/store/index.ts';
import { waitFor } from '../helpers/wait-for.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STORE_MODULE = new URL('../../server/store/index.ts', import.meta.url).href;
/** The body of every capture the child appends. */
const BODY = `{"result":{"status":"SUCCESS"},"pad":"${'x'.repeat(600)}"}`;

/**
 * The child appends captures from 16 concurrent loops, a delivery for every 5th, and deletes an older
 * capture every 10th; it prints each acknowledgement on stdout (a pipe: written synchronously) and prints
 * `deleting` before it asks for a delete, so the parent knows which deletes may or may not have landed.
 */
function childScript(dataDir: string, keep = 10_000): string {
  return `import { openStore } from ${JSON.stringify(STORE_MODULE)};
const store = await openStore({ dataDir: ${JSON.stringify(dataDir)}, keep: ${keep}, segmentSize: 40, checkpointDelayMs: 5, log: (line) => process.stderr.write(line + '\\n') });
const say = (line) => process.stdout.write(line + '\\n');
const body = Buffer.from(${JSON.stringify(BODY)});
const acked = [];
let next = 0;
async function loop() {
  for (;;) {
    const id = 'c' + next++;
    const capture = await store.captures.append({ id, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [['Content-Type', 'application/json']],
      body, size: body.length, remoteAddress: '127.0.0.1', sender: '127.0.0.1', summary: {}, payment: null,
      verification: { verdict: 'valid', reason: 'ok', canonical: null, fields: [], key: null, diagnosis: null } });
    say('ack ' + capture.id + ' ' + capture.seq);
    acked.push(id);
    if (capture.seq % 5 === 0) {
      const delivery = await store.deliveries.append({ id: 'd-' + id, kind: 'replay', captureId: id, target: 'http://127.0.0.1:1/', startedAt: new Date().toISOString(), durationMs: 1,
        request: { method: 'POST', headers: [], bodyBase64: body.toString('base64') }, response: null, error: 'refused' });
      say('dack ' + delivery.id + ' ' + id);
    }
    if (capture.seq % 10 === 0 && acked.length > 30) {
      const victim = acked.splice(acked.length - 30, 1)[0];
      say('deleting ' + victim);
      await store.captures.delete(victim);
      say('deleted ' + victim);
    }
  }
}
say('ready');
for (let i = 0; i < 16; i++) void loop();
`;
}

/** Starts the child and follows what it says: acknowledged captures and deliveries, deletes asked for and done. */
async function startChild(dataDir: string, name: string, keep?: number) {
  const script = join(dataDir, '..', `${Date.now()}-${process.pid}-${name}.mts`);
  await writeFile(script, childScript(dataDir, keep));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const said = { child, acked: new Map<string, number>(), deliveries: new Map<string, string>(), deleting: new Set<string>(), deleted: new Set<string>() };
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const [word, id, extra] = line.split(' ') as [string, string, string];
      if (word === 'ack') said.acked.set(id, Number(extra));
      else if (word === 'dack') said.deliveries.set(id, extra);
      else if (word === 'deleting') said.deleting.add(id);
      else if (word === 'deleted') said.deleted.add(id);
    }
  });
  return said;
}

describe('store under kill -9', () => {
  it('loses nothing acknowledged when the process is killed mid-burst, and never reuses a seq', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-store-kill-'));
    const { child, acked, deliveries, deleting, deleted } = await startChild(dataDir, 'store-kill');
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = once(child, 'exit');
    try {
      const checkpointed = () => readdirSync(join(dataDir, 'captures')).some((name) => /^\d+\.json$/.test(name));
      await waitFor(() => (acked.size >= 3000 && deleted.size >= 20 && checkpointed()) || child.exitCode !== null, { timeoutMs: 20_000 });
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(child.signalCode).toBe('SIGKILL');
    expect(stderr).toBe('');

    const warnings: string[] = [];
    const store = await openStore({ dataDir, segmentSize: 40, log: (line) => warnings.push(line) });
    try {
      // Only a write cut short by the kill (never acknowledged) may be reported.
      expect(warnings.filter((line) => !/ends with an incomplete line/.test(line))).toEqual([]);
      const lost = [...acked].filter(([id, seq]) => !deleting.has(id) && store.captures.get(id)?.seq !== seq).map(([id]) => id);
      expect(lost).toEqual([]);
      // The bytes of every acknowledged capture are there too (they are written before its journal line).
      const bytesLost: string[] = [];
      for (const id of acked.keys()) {
        if (deleting.has(id)) continue;
        const capture = await store.captures.read(id);
        if (capture?.bodyBase64 !== Buffer.from(BODY).toString('base64') || JSON.stringify(capture.headers) !== '[["Content-Type","application/json"]]') bytesLost.push(id);
      }
      expect(bytesLost).toEqual([]);
      const resurrected = [...deleted].filter((id) => store.captures.get(id) !== undefined);
      expect(resurrected).toEqual([]);
      const lostDeliveries = [...deliveries].filter(([id, captureId]) => !deleting.has(captureId) && store.deliveries.listForCapture(captureId).every((delivery) => delivery.id !== id));
      expect(lostDeliveries).toEqual([]);
      const highest = Math.max(...acked.values());
      const seqs = store.captures.since(0, Number.MAX_SAFE_INTEGER).map((capture) => capture.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      const { seq: _seq, bodyBase64, ...kept } = (await store.captures.read([...acked.keys()].find((id) => !deleting.has(id))!))!;
      const copy: CaptureDraft = { ...kept, id: 'after-restart', body: Buffer.from(bodyBase64, 'base64') };
      expect((await store.captures.append(copy)).seq).toBeGreaterThan(highest);
    } finally {
      await store.close();
    }
    // The recovery checkpoint wrote everything into segments: a second restart needs no journal and finds the same.
    expect(readdirSync(join(dataDir, 'captures')).filter((name) => name.startsWith('journal-'))).toEqual([]);
    const again = await openStore({ dataDir, segmentSize: 40, log: (line) => warnings.push(line) });
    try {
      expect((await again.captures.read('after-restart'))?.bodyBase64).toBe(Buffer.from(BODY).toString('base64'));
      expect([...acked.keys()].filter((id) => !deleting.has(id) && !again.captures.get(id))).toEqual([]);
    } finally {
      await again.close();
    }
  }, 40_000);

  it('loses nothing acknowledged when killed during a burst into a full store (retention evicting on every append)', async () => {
    const keep = 400;
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-store-kill-full-'));
    const { child, acked, deleting } = await startChild(dataDir, 'store-kill-full', keep);
    const exited = once(child, 'exit');
    try {
      await waitFor(() => acked.size >= 4 * keep || child.exitCode !== null, { timeoutMs: 20_000 });
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const store = await openStore({ dataDir, keep, segmentSize: 40, log: () => {} });
    try {
      // Full, less the deletes the child made in its last moments (it deletes an older capture every 10th append).
      expect(store.captures.count()).toBeLessThanOrEqual(keep);
      expect(store.captures.count()).toBeGreaterThan(keep - 20);
      // Retention keeps the newest (all are validly signed): every acknowledged capture at or after the oldest kept
      // one must be there, with its bytes.
      const oldestKept = store.captures.since(0, 1)[0]!.seq;
      const window = [...acked].filter(([id, seq]) => seq >= oldestKept && !deleting.has(id));
      expect(window.length).toBeGreaterThan(keep / 2);
      const missing: string[] = [];
      for (const [id, seq] of window) {
        const capture = await store.captures.read(id);
        if (capture?.seq !== seq || capture.bodyBase64 !== Buffer.from(BODY).toString('base64')) missing.push(id);
      }
      expect(missing).toEqual([]);
    } finally {
      await store.close();
    }
  }, 40_000);
});
