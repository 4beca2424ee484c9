// Benchmark target: mockttp answering POST /callback with 200 (it keeps the requests it saw in memory: a peer tool).
// Run as its own process; prints {"url": ...} on its first stdout line.

import { getLocal } from 'mockttp';

const server = getLocal();
await server.start();
await server.forPost('/callback').thenReply(200, '{"received":true}', { 'content-type': 'application/json' });
process.stdout.write(`${JSON.stringify({ url: `${server.url}/callback` })}\n`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
