// `miahook verify <file|->`: checks a stored or pasted callback against a public key and explains the verdict.

import { readFile } from 'node:fs/promises';
import { resolve, basename } from 'node:path';
import type { Verdict } from '../../../shared/verdict.ts';
import { KeyFormatError, readPublicKey, type LabelledKey } from '../../signature/keys.ts';
import { verifyCallback } from '../../signature/verify.ts';
import { EXIT, readStream, type CliIo } from '../io.ts';
import { UsageError, type ParsedArgs } from '../parse-args.ts';

export async function runVerify(args: ParsedArgs, io: CliIo): Promise<number> {
  const [source, ...extra] = args.positionals;
  if (!source) throw new UsageError('Say which callback to verify: miahook verify <file|-> --public-key <file|base64>.');
  if (extra.length) throw new UsageError(`verify takes one file; got also "${extra.join(' ')}".`);
  const keyArg = args.flags['public-key'];
  const body = await readInput(source, io);
  const keys = typeof keyArg === 'string' ? [await loadKey(keyArg, io.cwd)] : [];
  const verdict = verifyCallback(body, keys);
  io.stdout.write(args.flags.json ? `${JSON.stringify(verdict, null, 2)}\n` : formatVerdict(verdict));
  if (!keys.length && !args.flags.json) io.stderr.write('No --public-key given: pass the key of the environment that sent the callback to get a verdict.\n');
  return verdict.verdict === 'valid' ? EXIT.ok : EXIT.failed;
}

/** Human-readable verdict, one labelled line per fact. */
export function formatVerdict(verdict: Verdict): string {
  const lines = [
    `canonical   ${verdict.canonical ?? '(none: the body is not a callback)'}`,
    ...(verdict.fields.length ? [`fields      ${verdict.fields.map((field) => `${field.key}=${field.value}`).join('  ')}`] : []),
    `key         ${verdict.key ? `${verdict.key.label}  sha256:${verdict.key.fingerprint}` : '(none)'}`,
    `verdict     ${verdict.verdict.toUpperCase()}: ${verdict.reason}`,
  ];
  if (verdict.diagnosis) lines.push(`diagnosis   ${verdict.diagnosis.message}`);
  if (verdict.diagnosis?.signedString) lines.push(`signed over ${verdict.diagnosis.signedString}`);
  return `${lines.join('\n')}\n`;
}

async function readInput(source: string, io: CliIo): Promise<Buffer> {
  if (source === '-') {
    if (!io.stdin) throw new UsageError('No standard input to read from; pass a file instead of "-".');
    return readStream(io.stdin);
  }
  try {
    return await readFile(resolve(io.cwd, source));
  } catch (error) {
    throw new UsageError(`Cannot read "${source}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Pass a file holding the callback body, or - to read stdin.`);
  }
}

async function loadKey(arg: string, cwd: string): Promise<LabelledKey> {
  let content: string | Buffer;
  let label = 'given on the command line';
  try {
    content = await readFile(resolve(cwd, arg));
    label = `file ${basename(arg)}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const looksLikeKeyText = arg.startsWith('-----BEGIN') || arg.trim().startsWith('{') || /^[A-Za-z0-9+/=\s]{64,}$/.test(arg);
    if (!looksLikeKeyText || (code !== 'ENOENT' && code !== 'ENAMETOOLONG')) {
      throw new UsageError(`Cannot read the key file "${arg}" (${code ?? 'error'}). Pass a PEM file, or the base64 key text from GET /ecomm/api/v1/public-key.`);
    }
    content = arg;
  }
  try {
    return readPublicKey(content, label);
  } catch (error) {
    if (error instanceof KeyFormatError) throw new UsageError(error.message);
    throw error;
  }
}
