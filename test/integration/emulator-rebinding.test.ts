import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../server/emulator/index.ts';
import { buildRawRequest, sendRaw } from '../helpers/raw-http.ts';

let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: await mkdtemp(join(tmpdir(), 'miahook-rebind-')), port: 0 });
});
afterAll(() => emulator.close());

describe('emulator against DNS rebinding', () => {
  it('refuses a foreign Host on every route, control routes included', async () => {
    for (const [method, path] of [['GET', '/_emulator/deliveries'], ['POST', '/_emulator/faults'], ['GET', '/ecomm/api/v1/public-key'], ['GET', '/checkout?paymentId=x']]) {
      const body = Buffer.from('{"drop":true}');
      const answer = await sendRaw(emulator.port, buildRawRequest(method!, path!, [['Host', `evil.example:${emulator.port}`], ['Content-Type', 'application/json'], ['Content-Length', String(method === 'POST' ? body.length : 0)], ['Connection', 'close']], method === 'POST' ? body : undefined));
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    expect(emulator.getFaults().drop).toBe(false);
  });

  it('serves loopback names', async () => {
    for (const host of [`127.0.0.1:${emulator.port}`, `localhost:${emulator.port}`]) {
      const answer = await sendRaw(emulator.port, buildRawRequest('GET', '/_emulator/faults', [['Host', host], ['Connection', 'close']]));
      expect(answer.status, host).toBe(200);
    }
  });
});
