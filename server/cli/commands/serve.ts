// `miahook` / `miahook start` / `miahook emulator`: starts the listeners, prints where they are, runs until interrupted.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startMiahook } from '../../app/start-miahook.ts';
import { startEmulatorOnly } from '../../app/start-emulator-only.ts';
import { UI_DIR } from '../../app/paths.ts';
import { resolveConfig } from '../../config/resolve-config.ts';
import { readDotenv } from '../../config/read-dotenv.ts';
import { DataDirLockedError } from '../../data-dir/lock.ts';
import { EXIT, type CliIo } from '../io.ts';
import { UsageError, type ParsedArgs } from '../parse-args.ts';
import { escapeLogLine } from '../../log/escape-log-line.ts';
import { formatBanner, formatTunnelBanner } from './format-banner.ts';

export async function runServe(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length) throw new UsageError(`"miahook ${args.command}" takes no arguments; got "${args.positionals.join(' ')}".`);
  const config = resolveConfig(args, io.env, await readDotenv(io.cwd), io.cwd);
  const log = (line: string) => io.stderr.write(`${new Date().toISOString().slice(11, 19)} ${escapeLogLine(line)}\n`);
  let close: () => Promise<void>;
  let banner: string;
  try {
    if (config.command === 'emulator') {
      const emulator = await startEmulatorOnly(config, log);
      banner = formatBanner({ emulatorUrl: emulator.url, credentials: emulator.credentials, dataDir: config.dataDir });
      close = () => emulator.close();
    } else {
      if (!existsSync(join(UI_DIR, 'index.html'))) {
        io.stderr.write(`miahook: the inspector UI is missing (${UI_DIR}). In a git checkout run "npm run build" (npm start does it); otherwise reinstall miahook.\n`);
        return EXIT.failed;
      }
      const instance = await startMiahook(config, { log, onTunnelOnline: (url, password) => io.stdout.write(`${formatTunnelBanner(url, password)}\n`) });
      banner = formatBanner({ openUrl: instance.openUrl, ingressUrl: instance.ingressUrl, callbackUrl: instance.callbackUrl, publicUrl: config.publicUrl, emulatorUrl: instance.emulator.url, credentials: instance.emulator.credentials, dataDir: config.dataDir });
      close = () => instance.close();
    }
  } catch (error) {
    if (error instanceof DataDirLockedError) throw new UsageError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`A port is already in use (${(error as Error).message}). Stop what uses it, or pick other ports with --port, --ingress-port and --emulator-port (0 picks free ones).`);
    throw error;
  }
  // Listen before printing: whoever reads "miahook is running" may send SIGTERM at once, and it must stop cleanly.
  const signalled = waitForSignal();
  io.stdout.write(banner);
  await signalled;
  log('stopping: flushing the store...');
  await close();
  log('stopped.');
  return EXIT.ok;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
