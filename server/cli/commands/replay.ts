// `miahook replay <captureId> [--to <url>] [--preset <name>]`: re-delivers a stored capture through the running instance.

import type { ReplayRequest } from '../../../shared/api.ts';
import type { Delivery } from '../../../shared/records.ts';
import { EXIT, type CliIo } from '../io.ts';
import { UsageError, type ParsedArgs } from '../parse-args.ts';
import { connectToInstance, readApiError } from './instance-client.ts';

export async function runReplay(args: ParsedArgs, io: CliIo): Promise<number> {
  const [captureId, ...extra] = args.positionals;
  if (!captureId || extra.length) throw new UsageError('Say which capture to replay: miahook replay <captureId> [--to <url>]. The inspector and GET /api/captures show ids.');
  const instance = await connectToInstance(args, io);
  const request: ReplayRequest = {
    ...(typeof args.flags.to === 'string' ? { target: args.flags.to } : {}),
    ...(typeof args.flags.preset === 'string' ? { preset: args.flags.preset as ReplayRequest['preset'] } : {}),
  };
  const answer = await instance.call('POST', `/api/captures/${encodeURIComponent(captureId)}/replay`, JSON.stringify(request));
  if (answer.status !== 200) {
    io.stderr.write(`miahook: replay refused: ${readApiError(answer.text)}\n`);
    return answer.status === 404 || answer.status === 400 ? EXIT.usage : EXIT.failed;
  }
  const delivery = JSON.parse(answer.text) as Delivery;
  if (args.flags.json) io.stdout.write(`${answer.text}\n`);
  else io.stdout.write(formatDelivery(delivery));
  return delivery.response && delivery.response.status < 400 ? EXIT.ok : EXIT.failed;
}

function formatDelivery(delivery: Delivery): string {
  const lines = [`delivery  ${delivery.id} -> ${delivery.target}`];
  if (delivery.request.preset) lines.push(`preset    ${delivery.request.preset}`);
  if (delivery.request.verification) lines.push(`signature ${delivery.request.verification.verdict}: ${delivery.request.verification.reason}`);
  if (delivery.response) {
    const body = Buffer.from(delivery.response.bodyBase64, 'base64').toString('utf8');
    lines.push(`answer    HTTP ${delivery.response.status} in ${Math.round(delivery.durationMs)} ms`, `body      ${body.slice(0, 500)}${delivery.response.truncated || body.length > 500 ? ' …' : ''}`);
  } else {
    lines.push(`error     ${delivery.error}`);
  }
  return `${lines.join('\n')}\n`;
}
