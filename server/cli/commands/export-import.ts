// `miahook export` and `miahook import`: captures out of and into the running instance, as files a teammate can use.

import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { EXIT, type CliIo } from '../io.ts';
import { UsageError, type ParsedArgs } from '../parse-args.ts';
import { connectToInstance, readApiError } from './instance-client.ts';

export async function runExport(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length) throw new UsageError('export writes to stdout: miahook export --format har > out.har');
  const instance = await connectToInstance(args, io);
  const response = await instance.open('GET', `/api/export?format=${encodeURIComponent(String(args.flags.format ?? 'json'))}`);
  if (response.status !== 200 || !response.body) {
    io.stderr.write(`miahook: export failed: ${readApiError(await response.text())}\n`);
    return response.status === 400 ? EXIT.usage : EXIT.failed;
  }
  // Streamed to stdout as it comes: an export of the whole store is never one string in memory.
  try {
    for await (const chunk of response.body) {
      if (!io.stdout.write(chunk)) await once(io.stdout, 'drain');
    }
  } catch (error) {
    io.stderr.write(`\nmiahook: export cut short (${(error as Error).message}); the output is incomplete. Is miahook still running?\n`);
    return EXIT.failed;
  }
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
  const force = args.flags.force ? '&force=1' : '';
  const answer = await instance.call('POST', `/api/import?source=${encodeURIComponent(basename(file))}${force}`, text);
  if (answer.status !== 200) {
    io.stderr.write(`miahook: import refused: ${readApiError(answer.text)}\n`);
    return answer.status === 400 || answer.status === 409 ? EXIT.usage : EXIT.failed;
  }
  const result = JSON.parse(answer.text) as { imported: number; skipped: number; deliveries: number; evicted: number };
  const evicted = result.evicted > 0 ? `; ${result.evicted} older captures were evicted` : '';
  io.stdout.write(args.flags.json ? `${answer.text}\n` : `Imported ${result.imported} captures and ${result.deliveries} deliveries (${result.skipped} captures were already there${evicted}).\n`);
  return EXIT.ok;
}
