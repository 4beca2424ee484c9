// Benchmark target: a bare node:http server that reads the body and answers 200, storing nothing (the transport limit).
// Run as its own process; prints {"url": ...} on its first stdout line.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': 17 });
    response.end('{"received":true}');
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
