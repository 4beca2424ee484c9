// `miahook emulator`: only the miaPOS emulator, with the data-dir lock and runtime.json like a full start.

import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/resolve-config.ts';
import { acquireDataDirLock } from '../data-dir/lock.ts';
import { removeRuntimeFile, writeRuntimeFile } from '../data-dir/runtime-file.ts';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../emulator/index.ts';
import { createDisposalStack } from '../lifecycle/disposal-stack.ts';

export async function startEmulatorOnly(config: Config, log: (line: string) => void): Promise<EmulatorHandle> {
  const stack = createDisposalStack();
  try {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const lock = await acquireDataDirLock(config.dataDir, { log });
    stack.defer(() => lock.release());
    const emulator = await startEmulator(readEmulatorOptions(config, log));
    stack.defer(() => emulator.close());
    await writeRuntimeFile(config.dataDir, { pid: process.pid, startedAt: new Date().toISOString(), mode: 'emulator', emulatorUrl: emulator.url, emulator: emulator.credentials });
    stack.defer(() => removeRuntimeFile(config.dataDir));
    return { ...emulator, close: () => stack.dispose() };
  } catch (error) {
    await stack.dispose().catch((failure: Error) => log(`clean-up after a failed start failed: ${failure.message}`));
    throw error;
  }
}

/** The emulator's options as the configuration sets them. */
export function readEmulatorOptions(config: Config, log: (line: string) => void): EmulatorOptions {
  return {
    dataDir: config.dataDir,
    port: config.emulatorPort,
    host: config.host,
    speed: config.emulatorSpeed,
    ttlSeconds: config.emulatorTtlSeconds,
    autoPay: config.emulatorAuto,
    errorStyle: config.errorStyle,
    log,
  };
}
