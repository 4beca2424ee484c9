// The signing key of a miaPOS environment: fetched with the bearer token, cached per base URL (in memory and on
// disk), and fetched once more when a signature fails, so a key rotation costs one refetch, not a false "invalid".

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ensurePrivateDir, writePrivateFile } from '../data-dir/private-files.ts';
import { join } from 'node:path';
import { readPublicKey, type LabelledKey } from '../signature/keys.ts';
import type { MiaposClient } from './miapos-client.ts';

export interface PublicKeyCache {
  /** The key in use, or null before the first fetch succeeded. */
  current(): LabelledKey | null;
  /** Loads the disk copy, then fetches; resolves with the key (throws only when neither works). */
  load(): Promise<LabelledKey>;
  /** Fetches again (at most once per `minIntervalMs`); true when the key changed. */
  refetch(): Promise<boolean>;
}

export function createPublicKeyCache(options: { client: MiaposClient; dataDir: string; label: string; minIntervalMs?: number; log?: (line: string) => void }): PublicKeyCache {
  const file = join(options.dataDir, 'keys', `${createHash('sha256').update(options.client.baseUrl).digest('hex').slice(0, 16)}.json`);
  let key: LabelledKey | null = null;
  let lastFetch = 0;
  let fetching: Promise<boolean> | null = null;

  async function fetchKey(): Promise<boolean> {
    lastFetch = Date.now();
    const fresh = readPublicKey(await options.client.getPublicKey(), options.label);
    const changed = key?.fingerprint !== fresh.fingerprint;
    if (changed && key) options.log?.(`the ${options.label} public key changed (now sha256:${fresh.fingerprint.slice(0, 16)}…)`);
    key = fresh;
    await ensurePrivateDir(join(options.dataDir, 'keys'));
    await writePrivateFile(file, `${JSON.stringify({ baseUrl: options.client.baseUrl, publicKey: fresh.spkiBase64, fetchedAt: new Date().toISOString() }, null, 2)}\n`);
    return changed;
  }

  return {
    current: () => key,
    async load() {
      try {
        const saved = JSON.parse(await readFile(file, 'utf8')) as { publicKey: string };
        key = readPublicKey(saved.publicKey, options.label);
      } catch {
        // no usable disk copy: the fetch below decides
      }
      try {
        await fetchKey();
      } catch (error) {
        if (!key) throw error;
        options.log?.(`could not fetch the ${options.label} public key (${(error as Error).message}); using the copy from ${file}`);
      }
      return key!;
    },
    refetch() {
      if (Date.now() - lastFetch < (options.minIntervalMs ?? 10_000)) return Promise.resolve(false);
      fetching ??= fetchKey().catch((error: Error) => {
        options.log?.(`could not refetch the ${options.label} public key: ${error.message}`);
        return false;
      }).finally(() => {
        fetching = null;
      });
      return fetching;
    },
  };
}
