// Test helper, run as a child process: opens a store in the given data dir, appends one capture, prints
// "acked" once the append resolved, then closes the store. Argument 2 is "fsync" or "no-fsync".

import { writeSync } from 'node:fs';
import { openStore } from '../../server/store/index.ts';

const [dataDir, mode] = process.argv.slice(2);
const store = await openStore({ dataDir: dataDir!, fsync: mode === 'fsync', checkpointDelayMs: 60_000, log: (line) => console.error(line) });
const body = Buffer.from('{"result":{"orderId":"traced"}}');
await store.captures.append({
  id: 'cap_traced', receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [['Content-Type', 'application/json']],
  body, size: body.length, remoteAddress: '127.0.0.1', sender: '127.0.0.1',
  verification: { verdict: 'valid', reason: 'ok', canonical: null, fields: [], key: null, diagnosis: null }, summary: { status: 'SUCCESS' }, payment: null,
});
writeSync(1, 'acked\n');
await store.close();
