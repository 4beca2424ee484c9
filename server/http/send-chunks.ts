// Writes a streamed answer chunk by chunk, waiting for the socket to drain, so a big export never sits in memory at once.

import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Ends the answer after the last chunk; a client that went away stops the stream (its generator is closed). */
export async function sendChunks(response: ServerResponse, chunks: AsyncIterable<string>): Promise<void> {
  response.setHeader('cache-control', 'no-store');
  for await (const chunk of chunks) {
    if (response.destroyed) return;
    if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
  }
  response.end();
}
