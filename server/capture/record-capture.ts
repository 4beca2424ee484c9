// Turns one received request into a verified, linked, stored capture: the heart of the tool's data flow.

import { randomUUID } from 'node:crypto';
import type { Capture, CaptureInfo, HeaderPair, PaymentRecord } from '../../shared/records.ts';
import type { Verdict } from '../../shared/verdict.ts';
import type { CaptureDraft } from '../store/index.ts';
import type { LabelledKey } from '../signature/keys.ts';
import { readCallback, type CallbackReading } from '../signature/read-callback.ts';
import { verifyReadCallback } from '../signature/verify.ts';
import { findMismatches, summarizeCallback } from './summarize-capture.ts';

/** A request as it came off the wire. */
export interface ReceivedRequest {
  method: string;
  url: string;
  channel: string | null;
  headers: HeaderPair[];
  body: Buffer;
  remoteAddress: string;
  sender: string;
  receivedAt: Date;
}

export interface CaptureRecorderDeps {
  /** Resolves only once the capture is on disk. */
  appendCapture(draft: CaptureDraft): Promise<CaptureInfo>;
  findPayment(paymentId: string): PaymentRecord | undefined;
  /** The keys to verify with: the active backend's first, other known keys after (for diagnosis). */
  listKeys(): readonly LabelledKey[];
  /** Fetches the backend key again; true when it changed (a key rotation). Called once before saying invalid. */
  refreshKeys?: () => Promise<boolean>;
  /** The id of the emulator delivery that sent exactly these bytes, if any. */
  matchEmulatorDelivery(body: Buffer): string | undefined;
  /** Runs after the capture is stored (events, payment timeline, live forwarding); must not throw. */
  afterCapture(capture: CaptureInfo, request: ReceivedRequest): void;
}

export type CaptureRecorder = (request: ReceivedRequest) => Promise<CaptureInfo>;

/** What miahook concludes from a body: verdict under the keys in use, summary fields, the payment it names. */
export type Judgement = Pick<Capture, 'verification' | 'summary' | 'payment'>;

/** Judges a body now (used for captures, and for imported ones, whose stored verdict is never trusted). */
export function judgeBody(body: Buffer, deps: Pick<CaptureRecorderDeps, 'listKeys' | 'findPayment'>): Judgement {
  const reading = readCallback(body);
  return judgeReading(reading, verifyReadCallback(reading, deps.listKeys()), deps);
}

function judgeReading(reading: CallbackReading, verification: Verdict, deps: Pick<CaptureRecorderDeps, 'findPayment'>): Judgement {
  const summary = summarizeCallback(reading);
  const payment = summary.paymentId ? deps.findPayment(summary.paymentId) : undefined;
  return { verification, summary, payment: payment ? { paymentId: payment.paymentId, mismatches: findMismatches(summary, payment) } : null };
}

export function createCaptureRecorder(deps: CaptureRecorderDeps): CaptureRecorder {
  return async (request) => {
    const reading = readCallback(request.body);
    let verification = verifyReadCallback(reading, deps.listKeys());
    const keyMissing = verification.canonical !== null && deps.listKeys().length === 0;
    if ((verification.verdict === 'invalid' || keyMissing) && deps.refreshKeys && (await deps.refreshKeys())) {
      verification = verifyReadCallback(reading, deps.listKeys());
    }
    const judgement = judgeReading(reading, verification, deps);
    const emulatorDeliveryId = deps.matchEmulatorDelivery(request.body);
    const draft: CaptureDraft = {
      id: makeCaptureId(request.receivedAt),
      receivedAt: request.receivedAt.toISOString(),
      channel: request.channel,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
      size: request.body.length,
      remoteAddress: request.remoteAddress,
      sender: request.sender,
      ...judgement,
      ...(emulatorDeliveryId ? { emulatorDeliveryId } : {}),
    };
    const capture = await deps.appendCapture(draft);
    deps.afterCapture(capture, request);
    return capture;
  };
}

/** Time-ordered, collision-free: `cap_<ms base36><48 random bits in hex>` (randomUUID draws from a cached pool). */
export function makeCaptureId(at: Date): string {
  const random = randomUUID();
  return `cap_${at.getTime().toString(36)}${random.slice(0, 8)}${random.slice(9, 13)}`;
}
