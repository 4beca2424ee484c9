// Finds the running miahook through <data-dir>/runtime.json and calls its inspector API with the launch token.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isProcessAlive } from '../../data-dir/lock-holder.ts';
import { runtimeFilePath, type RuntimeInfo } from '../../data-dir/runtime-file.ts';
import type { CliIo } from '../io.ts';
import { UsageError, type ParsedArgs } from '../parse-args.ts';

export interface InstanceClient {
  runtime: RuntimeInfo;
  call(method: string, path: string, body?: string): Promise<{ status: number; text: string }>;
  /** The answer as a fetch Response, its body not read yet (for streamed answers such as exports). */
  open(method: string, path: string): Promise<Response>;
}

export async function connectToInstance(args: ParsedArgs, io: CliIo): Promise<InstanceClient> {
  const dataDir = resolve(io.cwd, String(args.flags['data-dir'] ?? io.env.MIAHOOK_DATA_DIR ?? './.miahook'));
  let runtime: RuntimeInfo;
  try {
    runtime = JSON.parse(await readFile(runtimeFilePath(dataDir), 'utf8')) as RuntimeInfo;
  } catch {
    throw new UsageError(`No running miahook found in ${dataDir} (no runtime.json). Start it first with "npm start" (or "miahook"), or pass the --data-dir it uses.`);
  }
  if (!runtime.inspectorUrl || !runtime.token || !isProcessAlive(runtime.pid)) {
    throw new UsageError(`The miahook recorded in ${runtimeFilePath(dataDir)} (pid ${runtime.pid}) is not running. Start it with "npm start".`);
  }
  const base = runtime.inspectorUrl;
  const token = runtime.token;
  const open = async (method: string, path: string, body?: string): Promise<Response> => {
    try {
      return await fetch(`${base}${path}`, { method, body, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } });
    } catch (error) {
      throw new UsageError(`Cannot reach miahook at ${base} (${(error as Error).message}). Is it still running?`);
    }
  };
  return {
    runtime,
    async call(method, path, body) {
      const response = await open(method, path, body);
      return { status: response.status, text: await response.text() };
    },
    open: (method, path) => open(method, path),
  };
}

/** The message of an API error answer, or the raw text. */
export function readApiError(text: string): string {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    return text;
  }
}
