// Re-delivers stored captures to the developer's app: as stored, edited, by preset, re-signed; and live-forwards
// new captures. Each attempt is recorded as a delivery of its capture.

import { randomBytes } from 'node:crypto';
import type { ReplayRequest } from '../../shared/api.ts';
import type { DomainEvent } from '../../shared/events.ts';
import type { Capture, CaptureInfo, Delivery, DeliveryKind, HeaderPair } from '../../shared/records.ts';
import { HttpError } from '../http/http-error.ts';
import type { LabelledKey } from '../signature/keys.ts';
import { verifyCallback } from '../signature/verify.ts';
import type { Store } from '../store/index.ts';
import { applyPreset, isPresetName, PresetError, resignBody, type SignText } from './presets.ts';
import { sendRequest, type SentRequest } from './send-request.ts';
import { checkTarget, type TargetPolicy } from '../http/outbound/target-policy.ts';

export interface ReplayServiceDeps {
  store: Store;
  emit: (event: DomainEvent) => void;
  /** --forward-to, fixed at start: its host is always an allowed target. */
  configuredAppUrl: string | null;
  allowHosts: readonly string[];
  /** Emulator mode only: signs a canonical string with the emulator key. */
  signText?: SignText;
  listKeys: () => readonly LabelledKey[];
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Stores a delivery (the composition root's, which redacts credentials and secrets first). */
  appendDelivery: (draft: Omit<Delivery, 'seq'>) => Promise<Delivery>;
}

export type ReplayService = ReturnType<typeof createReplayService>;

export function createReplayService(deps: ReplayServiceDeps) {
  const policy: TargetPolicy = { ...(deps.configuredAppUrl ? { appUrl: deps.configuredAppUrl } : {}), allowHosts: deps.allowHosts };
  let forwardTo = deps.configuredAppUrl;

  async function deliver(kind: DeliveryKind, capture: CaptureInfo, target: string, body: Buffer, headers: readonly HeaderPair[], extra: Partial<Delivery['request']>): Promise<Delivery> {
    const sent: SentRequest = await sendRequest({ target, method: capture.method, headers, body, policy, timeoutMs: deps.timeoutMs });
    const delivery = await deps.appendDelivery({
      ...sent,
      id: `dlv_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`,
      kind,
      captureId: capture.id,
      ...(capture.summary.paymentId ? { paymentId: capture.summary.paymentId } : {}),
      request: { ...sent.request, ...extra },
    });
    deps.emit({ type: 'delivery', delivery });
    return delivery;
  }

  function buildBody(capture: Capture, request: ReplayRequest): { body: Buffer; extra: Partial<Delivery['request']> } {
    const stored = Buffer.from(capture.bodyBase64, 'base64');
    let body: Buffer = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : stored;
    const extra: Partial<Delivery['request']> = {};
    try {
      if (request.preset !== undefined) {
        if (!isPresetName(request.preset)) throw new PresetError('unknown-preset', `Unknown preset "${String(request.preset)}".`);
        body = applyPreset(request.preset, body, deps.signText).body;
        extra.preset = request.preset;
      } else if (request.resign) {
        if (!deps.signText) throw new HttpError(409, 'not_emulator', 'Only the emulator can re-sign: its key is the only private key miahook holds.');
        body = Buffer.from(resignBody(body.toString('utf8'), deps.signText), 'utf8');
      }
    } catch (error) {
      if (error instanceof PresetError) throw new HttpError(error.code === 'needs-signer' ? 409 : 400, `preset_${error.code.replaceAll('-', '_')}`, error.message);
      throw error;
    }
    if (!body.equals(stored)) {
      extra.edited = true;
      extra.verification = verifyCallback(body, deps.listKeys());
    }
    return { body, extra };
  }

  return {
    forwardTarget: () => forwardTo,

    async replay(captureId: string, request: ReplayRequest): Promise<Delivery> {
      const capture = await deps.store.captures.read(captureId);
      if (!capture) throw new HttpError(404, 'unknown_capture', `No capture ${captureId}. GET /api/captures lists them.`);
      const target = request.target ?? forwardTo;
      if (!target) throw new HttpError(400, 'no_target', 'Say where to send it: {"target": "http://127.0.0.1:3000/callback"}, or start miahook with --forward-to <url>.');
      if (request.headers !== undefined && !isHeaderList(request.headers)) throw new HttpError(400, 'bad_headers', 'headers must be a list of [name, value] string pairs.');
      const { body, extra } = buildBody(capture, request);
      return deliver('replay', capture, target, body, request.headers ?? capture.headers, extra);
    },

    /** Live forwarding: the same bytes to the app, recorded as a delivery; null when forwarding is off. */
    async forward(capture: CaptureInfo, body: Buffer, headers: HeaderPair[]): Promise<Delivery | null> {
      if (!forwardTo) return null;
      return deliver('forward', capture, forwardTo, body, headers, {});
    },

    /** The UI's live-forward switch: a URL turns it on (same target rules as replays), null turns it off. */
    setForwarding(target: unknown): string | null {
      if (target === null || target === '') {
        forwardTo = null;
        return null;
      }
      if (typeof target !== 'string') throw new HttpError(400, 'bad_target', 'target must be a URL string, or null to stop forwarding.');
      const check = checkTarget(target, policy);
      if (!check.ok) throw new HttpError(400, 'forbidden_target', `${check.reason} Allow other hosts with --allow-target.`);
      forwardTo = target;
      return forwardTo;
    },
  };
}

function isHeaderList(value: unknown): value is HeaderPair[] {
  return Array.isArray(value) && value.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string');
}
