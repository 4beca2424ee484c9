import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../shared/records.ts';
import { spawnMiahook } from '../helpers/spawn-miahook.ts';
import { connectStream, isType } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** The only files meant to hold secrets: runtime.json (token, emulator credentials) and the emulator's own key material. */
const SECRET_HOMES = new Set(['runtime.json', join('emulator', 'credentials.json'), join('emulator', 'signing-key.pem'), join('emulator', 'token-secret')]);

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('secrets', () => {
  it('keeps the inspector token and the emulator secret out of stored data, logs, API answers and WS frames', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-secrets-'));
    const app = await spawnMiahook(dataDir, ['--emulator-speed', '50']);
    const { token, emulator, inspectorUrl } = app.runtime;
    const secret = emulator!.secretKey;
    const api = (path: string, init: RequestInit = {}) => fetch(`${inspectorUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    const stream = await connectStream(inspectorUrl!, token!);
    const answers: string[] = [];
    const record = async (response: Response) => {
      const text = await response.text();
      answers.push(text);
      return text;
    };
    try {
      const payment = JSON.parse(await record(await api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 3.3 }) }))) as PaymentRecord;
      await record(await api(`/api/payments/${payment.paymentId}/simulate`, { method: 'POST', body: '{"status":"SUCCESS"}' }));
      await stream.next(isType('capture'));
      await waitFor(() => stream.messages.some((message) => message.type === 'delivery'));
      // A caller that plants the token in a callback body is the one case where it could be stored: we do not do that.
      for (const path of ['/api/status', '/api/captures', '/api/payments', '/api/emulator', `/api/payments/${payment.paymentId}`]) await record(await api(path));
      const list = JSON.parse(answers[3]!) as { items: Array<{ id: string }> };
      await record(await api(`/api/captures/${list.items[0]!.id}`));
      await record(await fetch(`${inspectorUrl}/`));
    } finally {
      await stream.close();
      expect(await app.stop()).toBe(0);
    }
    for (const text of [...answers, ...stream.frames]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(secret);
    }
    expect(app.output.stderr).not.toContain(token);
    expect(app.output.stderr).not.toContain(secret);
    // The banner prints the link with the token and the emulator credentials, once each, on their labelled lines only.
    const bannerLines = app.output.stdout.split('\n');
    expect(bannerLines.filter((line) => line.includes(token!)).map((line) => line.trim().split(/\s+/)[0])).toEqual(['Inspector']);
    expect(bannerLines.filter((line) => line.includes(secret)).map((line) => line.trim().split(/\s+/)[0])).toEqual(['secretKey']);
    const files = await listFiles(dataDir);
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const name = relative(dataDir, file);
      if (SECRET_HOMES.has(name)) continue;
      const content = await readFile(file, 'utf8');
      expect(content, name).not.toContain(token);
      expect(content, name).not.toContain(secret);
      expect(content, name).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    }
  }, 30_000);
});
