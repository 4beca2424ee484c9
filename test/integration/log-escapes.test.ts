// Log lines never carry raw control bytes from requests: ESC sequences, C1 controls and CR are printed as
// visible escapes (the emulator logs request paths and messages that quote request fields).

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeLogLine } from '../../server/log/escape-log-line.ts';
import { sendRaw } from '../helpers/raw-http.ts';
import { spawnMiahook } from '../helpers/spawn-miahook.ts';
import { waitFor } from '../helpers/wait-for.ts';

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('log lines', () => {
  it('escape control bytes taken from requests (real CLI, emulator errors)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-log-escapes-'));
    const app = await spawnMiahook(dataDir);
    try {
      const emulatorUrl = app.runtime.emulatorUrl!;
      const { merchantId, secretKey } = app.runtime.emulator!;
      const token = (await (await fetch(`${emulatorUrl}/ecomm/api/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ merchantId, secretKey }) })).json()) as { accessToken: string };
      const evil = '\u001b[31mRED\u001b]0;pwned\u0007\r\n12:00:00 forged line \u009b2J';
      const answer = await fetch(`${emulatorUrl}/ecomm/api/v1/pay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ terminalId: evil, orderId: '1', amount: 1, currency: 'MDL', payDescription: 'x' }),
      });
      expect(answer.status).toBe(400);
      // A path with a raw C1 byte (0x9b, CSI on many terminals), which Node's parser lets through as latin1.
      await sendRaw(Number(new URL(emulatorUrl).port), Buffer.concat([Buffer.from('POST /ecomm/api/v1/pay'), Buffer.from([0x9b]), Buffer.from(`2J HTTP/1.1\r\nHost: ${new URL(emulatorUrl).host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`)]));
      await waitFor(() => app.output.stderr.includes('RED') && app.output.stderr.includes('x9b'));
    } finally {
      expect(await app.stop()).toBe(0);
    }
    const stderr = app.output.stderr;
    expect(stderr).not.toMatch(RAW_CONTROL);
    expect(stderr).toContain('\\x1b[31mRED\\x1b]0;pwned\\x07\\r');
    expect(stderr.split('\n').filter((line) => line.startsWith('12:00:00 forged line'))).toEqual([]);
  });

  it('writes line breaks inside one entry as indented continuations', () => {
    expect(escapeLogLine('a\nb\tc\u202ed')).toBe('a\n    b\tc\\u202ed');
  });
});
