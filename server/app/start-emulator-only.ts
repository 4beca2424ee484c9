// `miahook emulator`: only the miaPOS emulator, with the data-dir lock and runtime.json like a full start.

import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/resolve-config.ts';
import { acquireDataDirLock } from '../data-dir/lock.ts';
import { removeRuntimeFile, writeRuntimeFile } from '../data-dir/runtime-file.ts';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../emulator/index.ts';

export async function startEmulatorOnly(config: Config, log: (line: string) => void): Promise<EmulatorHandle> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataDirLock(config.dataDir, { log });
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator(readEmulatorOptions(config, log));
  } catch (error) {
    await lock.release();
    throw error;
  }
  await writeRuntimeFile(config.dataDir, { pid: process.pid, startedAt: new Date().toISOString(), mode: 'emulator', emulatorUrl: emulator.url, emulator: emulator.credentials });
  return {
    ...emulator,
    close: async () => {
      await emulator.close();
      await removeRuntimeFile(config.dataDir);
      await lock.release();
    },
  };
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
