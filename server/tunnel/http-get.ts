// A bounded, abortable HTTP(S) GET on a fresh connection (no pooled sockets left behind), for the tunnel's control and probe requests.

import http from 'node:http';
import https from 'node:https';

export interface GetTextOptions { headers?: Record<string, string>; signal?: AbortSignal; maxBytes: number }
export interface TextAnswer { status: number; body: string; location?: string }

/** GETs `url` and reads at most `maxBytes` of the answer; rejects on network errors, abort, or a longer body. */
export function getText(url: string, options: GetTextOptions): Promise<TextAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const req = client.get(target, { headers: options.headers, agent: false, signal: options.signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) return void req.destroy(new Error(`answer from ${target.origin} is larger than ${options.maxBytes} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(res.headers.location ? { location: res.headers.location } : {}) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
