// `miahook check <handler-url>`: runs the go-live check of the developer's handler inside the running instance
// (only it holds the emulator's private key), prints the table, and writes JUnit XML when asked.

import { request as httpRequest } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CheckReport, CheckRequest } from '../../../shared/check-report.ts';
import { formatJunit } from '../../check/format-junit.ts';
import { formatCheckReport } from '../../check/format-report.ts';
import { EXIT, type CliIo } from '../io.ts';
import { UsageError, type ParsedArgs } from '../parse-args.ts';
import { connectToInstance, readApiError } from './instance-client.ts';

export async function runCheck(args: ParsedArgs, io: CliIo): Promise<number> {
  const [handlerUrl, ...extra] = args.positionals;
  if (!handlerUrl || extra.length) {
    throw new UsageError('Say which handler to check: miahook check <handler-url> [--payment <paymentId>], e.g. miahook check http://127.0.0.1:3000/miapos/callback.');
  }
  const junitPath = typeof args.flags.junit === 'string' ? resolve(io.cwd, args.flags.junit) : null;
  const instance = await connectToInstance(args, io);
  const request: CheckRequest = { handlerUrl, ...(typeof args.flags.payment === 'string' ? { paymentId: args.flags.payment } : {}) };
  if (!args.flags.json) io.stderr.write(`miahook: checking ${handlerUrl} (19 requests; a handler that does not answer can take up to 60 s)...\n`);
  // A check can outlast fetch's 300 s header timeout when a handler hangs, so it is posted with node:http and no timeout.
  const answer = await postJson(`${instance.runtime.inspectorUrl}/api/check`, instance.runtime.token ?? '', JSON.stringify(request));
  if (answer.status !== 200) {
    io.stderr.write(`miahook: check not run: ${readApiError(answer.text)}\n`);
    return [400, 404, 409].includes(answer.status) ? EXIT.usage : EXIT.failed;
  }
  const report = JSON.parse(answer.text) as CheckReport;
  io.stdout.write(args.flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report));
  if (junitPath) {
    try {
      await writeFile(junitPath, formatJunit(report));
    } catch (error) {
      io.stderr.write(`miahook: could not write the JUnit file ${junitPath} (${(error as Error).message}). Check that its folder exists and is writable.\n`);
      return EXIT.usage;
    }
    if (!args.flags.json) io.stderr.write(`miahook: JUnit XML written to ${junitPath}\n`);
  }
  return report.ok ? EXIT.ok : EXIT.failed;
}

function postJson(url: string, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolvePromise({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => reject(new UsageError(`The answer from miahook at ${url} was cut off (${error.message}). Is it still running?`)));
    });
    request.on('error', (error) => reject(new UsageError(`Cannot reach miahook at ${url} (${error.message}). Is it still running?`)));
    request.end(body);
  });
}
