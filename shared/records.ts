// The records miahook keeps and shows: captured requests, deliveries it made, payments it registered.

import type { PaymentStatus } from './protocol.ts';
import type { StoredVerdict, Verdict } from './verdict.ts';

/** An HTTP header as received: name with its original case, value as sent. Order is kept. */
export type HeaderPair = [name: string, value: string];

/** Fields read out of a callback's result for lists, filters and search. */
export interface CaptureSummary {
  status?: string;
  orderId?: string;
  paymentId?: string;
  /** Amount as written in the JSON text. */
  amount?: string;
  currency?: string;
}

/** A disagreement between a callback and the payment the tool registered. */
export interface Mismatch {
  field: 'amount' | 'currency' | 'orderId' | 'terminalId';
  expected: string;
  got: string;
}

/**
 * What is known of a capture without reading its bytes: held in memory, listed, filtered and searched. The
 * verdict leaves out what is computed again from the body (the canonical string and its fields).
 */
export interface CaptureInfo extends Omit<Capture, 'headers' | 'bodyBase64' | 'verification'> {
  verification: StoredVerdict;
}

/** One request received on the ingress listener, byte-exact. */
export interface Capture {
  id: string;
  /** Monotonic across the data dir: orders captures and serves as the paging cursor. */
  seq: number;
  receivedAt: string;
  /** The label after /callback/, or null for /callback. */
  channel: string | null;
  method: string;
  /** Path and query as received. */
  url: string;
  headers: HeaderPair[];
  bodyBase64: string;
  size: number;
  /** The TCP peer (127.0.0.1 behind the tunnel). */
  remoteAddress: string;
  /** Who sent it: the address the tunnel server appended to X-Forwarded-For, else the TCP peer. */
  sender: string;
  verification: Verdict;
  summary: CaptureSummary;
  /** Set when result.paymentId is a payment this tool registered. */
  payment: { paymentId: string; mismatches: Mismatch[] } | null;
  /** Set when this is the emulator's own delivery of a callback, arriving at our ingress. */
  emulatorDeliveryId?: string;
  /** Set when the capture came from `miahook import`, not the wire. */
  importedFrom?: string;
}

export type DeliveryKind = 'emulator-callback' | 'replay' | 'forward' | 'check';

/** One HTTP request miahook (or its emulator) sent to someone's app, and the answer. */
export interface Delivery {
  id: string;
  seq: number;
  kind: DeliveryKind;
  /** The capture replayed or forwarded. */
  captureId?: string;
  /** The payment whose callback this is. */
  paymentId?: string;
  target: string;
  startedAt: string;
  durationMs: number;
  request: {
    method: string;
    headers: HeaderPair[];
    bodyBase64: string;
    /** The body differs from the stored capture. */
    edited?: boolean;
    /** The handler-test preset that produced it. */
    preset?: string;
    /** The request's signature verdict, for edited or re-signed bodies. */
    verification?: Verdict;
  };
  response: {
    status: number;
    headers: HeaderPair[];
    bodyBase64: string;
    /** The body was longer than the cap and was cut. */
    truncated: boolean;
  } | null;
  /** Why there is no response (timeout, refused, forbidden target...). */
  error: string | null;
}

export type TimelineSource = 'registered' | 'poll' | 'callback' | 'simulate';

export interface TimelineEntry {
  at: string;
  status: PaymentStatus;
  source: TimelineSource;
}

/** A payment registered through miahook, with everything seen of it since. */
export interface PaymentRecord {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  terminalId: string;
  payDescription: string;
  paymentType: 'qr' | 'rtp';
  language?: string;
  callbackUrl?: string;
  successUrl?: string;
  failUrl?: string;
  checkoutPage?: string;
  /** 'emulator' or 'sandbox', and the base URL it was registered with. */
  backend: 'emulator' | 'sandbox';
  backendUrl: string;
  createdAt: string;
  status: PaymentStatus;
  timeline: TimelineEntry[];
  /** Capture ids of callbacks received for it. */
  callbackCaptureIds: string[];
  /** A final status was learned by polling but no callback came. */
  callbackNeverArrived: boolean;
}
