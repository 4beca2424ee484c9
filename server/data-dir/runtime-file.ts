// Writes <data-dir>/runtime.json (mode 0600): how scripts and tests find a running instance. It holds the
// inspector token and the emulator credentials, so it is the one file in the data dir with secrets in it.

import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RuntimeInfo {
  pid: number;
  startedAt: string;
  mode: 'emulator' | 'sandbox';
  inspectorUrl?: string;
  ingressUrl?: string;
  callbackUrl?: string;
  publicUrl?: string | null;
  emulatorUrl?: string;
  token?: string;
  emulator?: { merchantId: string; secretKey: string; terminalId: string; rtpTerminalId: string };
}

export function runtimeFilePath(dataDir: string): string {
  return join(dataDir, 'runtime.json');
}

/** Replaces runtime.json atomically, readable by its owner only. */
export async function writeRuntimeFile(dataDir: string, info: RuntimeInfo): Promise<void> {
  const path = runtimeFilePath(dataDir);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

export async function removeRuntimeFile(dataDir: string): Promise<void> {
  await rm(runtimeFilePath(dataDir), { force: true });
}
