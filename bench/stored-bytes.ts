// Reads what a running miahook holds through its API: the capture count (GET /api/status) and the stored body
// bytes (the sum of `size` over every capture, paging GET /api/captures from the newest to the oldest).

import http from 'node:http';
import type { CaptureListResponse, StatusResponse } from '../shared/api.ts';
import type { MiahookTarget } from './targets.ts';

export interface StoredBodies {
  /** counts.captures of GET /api/status. */
  count: number;
  /** Captures seen paging the list (should equal `count`). */
  listed: number;
  /** Sum of their body sizes. */
  bytes: number;
}

/**
 * One GET on a fresh connection (no keep-alive: a reused socket that the busy server closes at the same moment
 * answered ECONNRESET here). Fails clearly on a non-200 answer.
 */
export function getJson<T>(target: MiahookTarget, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${target.inspectorUrl}${path}`, { agent: false, headers: { authorization: `Bearer ${target.token}` } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode !== 200) return reject(new Error(`GET ${path} answered ${response.statusCode}: ${text.slice(0, 200)}`));
        resolve(JSON.parse(text) as T);
      });
      response.on('error', reject);
    });
    request.on('error', (error) => reject(new Error(`GET ${path} failed: ${error.message}`)));
  });
}

/** `pageSize` keeps each list answer small when bodies are big (list items may carry data derived from the body). */
export async function readStoredBodies(target: MiahookTarget, pageSize: number): Promise<StoredBodies> {
  const status = await getJson<StatusResponse>(target, '/api/status');
  let listed = 0;
  let bytes = 0;
  let before: number | null = null;
  do {
    const page: CaptureListResponse = await getJson<CaptureListResponse>(target, `/api/captures?limit=${pageSize}${before === null ? '' : `&before=${before}`}`);
    for (const item of page.items) bytes += item.size;
    listed += page.items.length;
    before = page.nextBefore;
  } while (before !== null);
  return { count: status.counts.captures, listed, bytes };
}
