// The inspector HTTP API's request and answer shapes, shared by the server routes and the UI.

import type { CaptureListItem, TunnelState } from './events.ts';
import type { PaymentRequest, PaymentStatus } from './protocol.ts';
import type { Capture, Delivery, HeaderPair, PaymentRecord } from './records.ts';

/** Every error answer: `{"error": {"code", "message"}}` with a fitting HTTP status. */
export interface ApiError {
  error: { code: string; message: string };
}

export interface StatusResponse {
  version: string;
  mode: 'emulator' | 'sandbox';
  instanceId: string;
  /** This view is a teammate's read-only share. */
  readOnly: boolean;
  /** A one-capture share link: the capture it shows (nothing else is reachable with it). */
  sharedCaptureId?: string;
  urls: {
    inspector: string | null;
    ingress: string;
    /** The URL to give miaPOS as callbackUrl (public when a tunnel is up). */
    callback: string;
    emulator: string | null;
    public: string | null;
  };
  tunnel: TunnelState;
  /** What the public localtunnel server's reminder page asks a teammate's browser for (this machine's public IP); null when none. */
  tunnelPassword: string | null;
  backend: { baseUrl: string; keyLabel: string | null; keyFingerprint: string | null };
  respondMode: 'accept' | 'strict' | 'proxy';
  forwardTo: string | null;
  counts: { captures: number; payments: number; deliveries: number };
  /** The store: bytes kept against its budget, and what opening read back out of damaged files (`lost`: damaged records that could not be). */
  store: { storedBytes: number; maxBytes: number; keep: number; recovered: number; lost: number; setAside: string[] };
}

export interface CaptureListResponse {
  items: CaptureListItem[];
  /** Pass as `before` to get the next (older) page; null at the end. */
  nextBefore: number | null;
  total: number;
  channels: string[];
}

export interface CaptureDetail extends Capture {
  /** The body parsed as JSON, when it parses and is small and shallow enough to show as a tree. */
  json: unknown;
  /** Why a JSON body is shown as raw text instead (too deep, too big); null otherwise. */
  jsonNote: string | null;
  deliveries: Delivery[];
  linkedPayment: PaymentRecord | null;
}

/** POST /api/payments: only amount is required; miahook fills the rest (order id, terminal, callback URL...). */
export type NewPaymentRequest = Partial<Omit<PaymentRequest, 'amount' | 'directRedirect' | 'fastRedirect'>> & { amount: number };

export interface PaymentListResponse {
  items: PaymentRecord[];
}

export interface SimulateRequest {
  status: Exclude<PaymentStatus, 'CREATED'>;
}

export interface EmulatorInfo {
  baseUrl: string;
  merchantId: string;
  terminalId: string;
  rtpTerminalId: string;
  publicKey: string;
  fingerprint: string;
  recentDeliveries: Delivery[];
}

export type PresetName = 'duplicate' | 'tampered-amount' | 'status-downgrade' | 'extra-field' | 'amount-no-decimals';

export interface ReplayRequest {
  target?: string;
  /** An edited body (text); the stored bytes when absent. */
  body?: string;
  headers?: HeaderPair[];
  preset?: PresetName;
  /** Emulator mode only: sign the edited result with the emulator key. */
  resign?: boolean;
}

export interface ShareResponse {
  url: string;
  expiresAt: string;
  /** The tunnel password a browser opening the link is asked for once (see StatusResponse); null when none. */
  tunnelPassword: string | null;
}
