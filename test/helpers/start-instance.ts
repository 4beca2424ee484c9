// Test helper: starts a real miahook (all three listeners on port 0) in a temp data dir, with a fast emulator.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../server/cli/parse-args.ts';
import { resolveConfig, type Config } from '../../server/config/resolve-config.ts';
import { startMiahook, type MiahookInstance, type StartOptions } from '../../server/app/start-miahook.ts';

export interface TestInstance extends MiahookInstance {
  config: Config;
  logs: string[];
  /** fetch against the inspector API with the token. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

export interface TestInstanceOptions {
  args?: string[];
  dataDir?: string;
  /** Environment the config reads (MIAPOS_* for sandbox mode); the test process's own env is not used. */
  env?: Record<string, string>;
  ingressTimeouts?: StartOptions['ingressTimeouts'];
  tunnelTimings?: StartOptions['tunnelTimings'];
  keyRefetchIntervalMs?: number;
}

export async function startTestInstance(options: TestInstanceOptions = {}): Promise<TestInstance> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'miahook-test-')));
  const argv = ['--port', '0', '--ingress-port', '0', '--emulator-port', '0', '--emulator-speed', '50', '--data-dir', dataDir, ...(options.args ?? [])];
  const config = resolveConfig(parseArgs(argv), options.env ?? {}, {});
  const logs: string[] = [];
  const instance = await startMiahook(config, {
    log: (line) => logs.push(line),
    ingressTimeouts: options.ingressTimeouts,
    tunnelTimings: options.tunnelTimings,
    keyRefetchIntervalMs: options.keyRefetchIntervalMs,
  });
  return Object.assign(instance, {
    config,
    logs,
    api: (path: string, init: RequestInit = {}) => fetch(`${instance.inspectorUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${instance.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) },
    }),
  });
}
