// `miahook` / `miahook start` / `miahook emulator`: starts the listeners and runs until interrupted.

import type { CliIo } from '../io.ts';
import { UsageError, type ParsedArgs } from '../parse-args.ts';

export async function runServe(_args: ParsedArgs, _io: CliIo): Promise<number> {
  throw new UsageError('start is not built yet.');
}
