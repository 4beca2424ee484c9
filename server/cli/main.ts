// The CLI entry: parses argv, runs one command, turns errors into messages and exit codes.

import { VERSION } from '../app/paths.ts';
import { formatCommandHelp, formatHelp } from './help.ts';
import { EXIT, type CliIo } from './io.ts';
import { parseArgs, UsageError } from './parse-args.ts';
import { runVerify } from './commands/verify.ts';
import { runReplay } from './commands/replay.ts';
import { runCheck } from './commands/check.ts';
import { runExport, runImport } from './commands/export-import.ts';
import { runTail } from './commands/tail.ts';
import { escapeLogLine } from '../log/escape-log-line.ts';

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.command === 'help' || (args.flags.help && argv.length === 1 && argv[0]!.startsWith('-'))) {
      io.stdout.write(`${formatHelp()}\n`);
      return EXIT.ok;
    }
    if (args.flags.version) {
      io.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    if (args.flags.help) {
      io.stdout.write(`${formatCommandHelp(args.command)}\n`);
      return EXIT.ok;
    }
    switch (args.command) {
      case 'verify':
        return await runVerify(args, { ...io, stdin: io.stdin ?? process.stdin });
      case 'replay':
        return await runReplay(args, io);
      case 'check':
        return await runCheck(args, io);
      case 'export':
        return await runExport(args, io);
      case 'import':
        return await runImport(args, io);
      case 'tail':
        return await runTail(args, io);
      case 'start':
      case 'emulator': {
        const { runServe } = await import('./commands/serve.ts');
        return await runServe(args, io);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`miahook: ${escapeLogLine(error.message)}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`miahook: unexpected error: ${escapeLogLine((error as Error).stack ?? String(error))}\n`);
    return EXIT.failed;
  }
}
