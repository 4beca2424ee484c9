// Reads what a running miahook holds through its API: the capture count (GET /api/status) and the stored body
// bytes (the sum of `size` over every capture, paging GET /api/captures from the newest to the oldest).

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

async function getJson<T>(target: MiahookTarget, path: string): Promise<T> {
  const response = await fetch(`${target.inspectorUrl}${path}`, { headers: { authorization: `Bearer ${target.token}` } });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as T;
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
