// `miahook tail [<share-url>]`: captures as they arrive, one line each (or one JSON object with --json), from the
// running instance or from a teammate's share link. Ctrl+C ends it (exit 0); a bad or revoked link exits 2.

import { resolve } from 'node:path';
import type { DomainEvent } from '../../../shared/events.ts';
import { channelName, formatAnswerJson, formatAnswerLine, formatCaptureJson, formatCaptureLine } from '../../tail/format-capture.ts';
import { followEvents, RefusedLinkError } from '../../tail/follow-events.ts';
import { localSource, readShareUrl, type TailSource } from '../../tail/resolve-source.ts';
import { EXIT, type CliIo } from '../io.ts';
import { UsageError, type ParsedArgs } from '../parse-args.ts';

/** Captures printed recently, so a later app answer can name the capture (bounded). */
const REMEMBERED = 1_000;

export async function runTail(args: ParsedArgs, io: CliIo, signal: AbortSignal = stopOnSignals()): Promise<number> {
  const [link, ...extra] = args.positionals;
  if (extra.length) throw new UsageError(`tail takes at most one share link; got "${args.positionals.join(' ')}".`);
  let source: TailSource;
  if (link !== undefined) {
    const shared = readShareUrl(link);
    if (!shared) throw new UsageError(`"${link}" is not a miahook share link: it looks like https://<public-url>/share/<token>/ (copy it from the Share button or POST /api/share).`);
    source = shared;
  } else {
    source = localSource(resolve(io.cwd, String(args.flags['data-dir'] ?? io.env.MIAHOOK_DATA_DIR ?? './.miahook')));
  }
  const json = args.flags.json === true;
  const channel = typeof args.flags.channel === 'string' ? args.flags.channel : null;
  const printed = new Map<string, string>();
  const print = (event: DomainEvent): void => {
    if (event.type === 'capture') {
      if (channel !== null && channelName(event.capture.channel) !== channel) return;
      printed.set(event.capture.id, event.capture.summary.orderId ?? `capture ${event.capture.id}`);
      if (printed.size > REMEMBERED) printed.delete(printed.keys().next().value!);
      io.stdout.write(`${json ? formatCaptureJson(event.capture) : formatCaptureLine(event.capture)}\n`);
    } else if (event.type === 'delivery' && event.delivery.captureId && printed.has(event.delivery.captureId) && event.delivery.kind !== 'emulator-callback') {
      io.stdout.write(`${json ? formatAnswerJson(event.delivery) : formatAnswerLine(event.delivery, printed.get(event.delivery.captureId)!)}\n`);
    }
  };
  try {
    await followEvents(source, {
      signal,
      onEvent: print,
      onSharedCapture: (capture) => print({ type: 'capture', capture }),
      onNotice: (line) => io.stderr.write(`miahook tail: ${line}\n`),
    });
  } catch (error) {
    if (error instanceof RefusedLinkError) {
      io.stderr.write(`miahook tail: the share link was refused: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  return EXIT.ok;
}

/** Aborts on the first Ctrl+C (SIGINT) or SIGTERM. */
function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}
