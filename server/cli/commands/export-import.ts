// `miahook export` and `miahook import`: captures out of and into the running instance, as files a teammate can use.

import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { EXIT, type CliIo } from '../io.ts';
import { UsageError, type ParsedArgs } from '../parse-args.ts';
import { connectToInstance, readApiError } from './instance-client.ts';

export async function runExport(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length) throw new UsageError('export writes to stdout: miahook export --format har > out.har');
  const instance = await connectToInstance(args, io);
  const answer = await instance.call('GET', `/api/export?format=${String(args.flags.format ?? 'json')}`);
  if (answer.status !== 200) {
    io.stderr.write(`miahook: export failed: ${readApiError(answer.text)}\n`);
    return EXIT.failed;
  }
  io.stdout.write(answer.text.endsWith('\n') ? answer.text : `${answer.text}\n`);
  return EXIT.ok;
}

export async function runImport(args: ParsedArgs, io: CliIo): Promise<number> {
  const [file, ...extra] = args.positionals;
  if (!file || extra.length) throw new UsageError('Say which export to import: miahook import <file.json> (made by "miahook export --format json").');
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  const instance = await connectToInstance(args, io);
  const answer = await instance.call('POST', `/api/import?source=${encodeURIComponent(basename(file))}`, text);
  if (answer.status !== 200) {
    io.stderr.write(`miahook: import refused: ${readApiError(answer.text)}\n`);
    return answer.status === 400 ? EXIT.usage : EXIT.failed;
  }
  const result = JSON.parse(answer.text) as { imported: number; skipped: number };
  io.stdout.write(args.flags.json ? `${answer.text}\n` : `Imported ${result.imported} captures (${result.skipped} were already there).\n`);
  return EXIT.ok;
}
