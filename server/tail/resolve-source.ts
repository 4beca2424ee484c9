// Where `miahook tail` reads from: a share link (its read-only stream, through the public tunnel) or the local
// instance found through <data-dir>/runtime.json (re-read on every reconnect, so a restarted instance is found again).

import { readFile } from 'node:fs/promises';
import { isProcessAlive } from '../data-dir/lock-holder.ts';
import { runtimeFilePath, type RuntimeInfo } from '../data-dir/runtime-file.ts';

/** The public localtunnel server lets requests with this header through without its reminder page. */
const REMINDER_BYPASS = { 'bypass-tunnel-reminder': 'miahook-tail' } as const;

export interface StreamEndpoint {
  /** ws:// or wss:// URL of the event stream. */
  wsUrl: string;
  protocols: string[];
  headers: Record<string, string>;
  /** GET this for the status (share links: a revoked link answers 403 with the reason). */
  statusUrl: string;
  statusHeaders: Record<string, string>;
}

export interface TailSource {
  /** What tail says it follows. */
  label: string;
  shared: boolean;
  /** Resolves the endpoint for the next connection; throws Error with a message when there is none right now. */
  endpoint(): Promise<StreamEndpoint>;
}

/** Reads a share URL (`https://<public>/share/<token>/`); null when it is not one. */
export function readShareUrl(text: string): TailSource | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const match = /^\/share\/([A-Za-z0-9_.-]+)\/?$/.exec(url.pathname);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !match || url.username || url.password) return null;
  const base = `${url.origin}/share/${match[1]}`;
  const headers = { ...REMINDER_BYPASS };
  return {
    label: `the share link ${url.origin}/share/…`,
    shared: true,
    endpoint: async () => ({
      wsUrl: `${base.replace(/^http/, 'ws')}/ws`,
      protocols: ['miahook'],
      headers,
      statusUrl: `${base}/api/status`,
      statusHeaders: headers,
    }),
  };
}

/** The instance recorded in `<dataDir>/runtime.json`. */
export function localSource(dataDir: string): TailSource {
  return {
    label: `the miahook in ${dataDir}`,
    shared: false,
    async endpoint() {
      let runtime: RuntimeInfo;
      try {
        runtime = JSON.parse(await readFile(runtimeFilePath(dataDir), 'utf8')) as RuntimeInfo;
      } catch {
        throw new Error(`no running miahook in ${dataDir} (no runtime.json)`);
      }
      if (!runtime.inspectorUrl || !runtime.token || !isProcessAlive(runtime.pid)) throw new Error(`the miahook recorded in ${runtimeFilePath(dataDir)} is not running`);
      const authorization = { authorization: `Bearer ${runtime.token}` };
      return {
        wsUrl: `${runtime.inspectorUrl.replace(/^http/, 'ws')}/ws`,
        protocols: ['miahook', `miahook.token.${runtime.token}`],
        headers: {},
        statusUrl: `${runtime.inspectorUrl}/api/status`,
        statusHeaders: authorization,
      };
    },
  };
}
