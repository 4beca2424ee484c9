// What the inspector API can do, as plain domain calls; built by the composition root, used by thin routes.

import type { CaptureDetail, CaptureListResponse, EmulatorInfo, NewPaymentRequest, ReplayRequest, ShareResponse, StatusResponse } from '../../shared/api.ts';
import type { CheckReport } from '../../shared/check-report.ts';
import type { Delivery, PaymentRecord } from '../../shared/records.ts';

export interface CaptureListQuery {
  limit?: number;
  before?: number;
  q?: string;
  channel?: string;
  status?: string;
  verdict?: 'valid' | 'invalid' | 'unverifiable';
}

export interface InspectorModel {
  status(): StatusResponse;
  listCaptures(query: CaptureListQuery): CaptureListResponse;
  /** Throws HttpError 404 when unknown. */
  getCapture(id: string): CaptureDetail;
  deleteCapture(id: string): Promise<void>;
  clearCaptures(): Promise<number>;
  listPayments(): PaymentRecord[];
  registerPayment(input: NewPaymentRequest): Promise<PaymentRecord>;
  refreshPayment(paymentId: string): Promise<PaymentRecord>;
  simulatePayment(paymentId: string, status: unknown): Promise<PaymentRecord>;
  /** Null outside emulator mode. */
  emulatorInfo(): EmulatorInfo | null;
  revealEmulatorSecret(): string;
  replayCapture(id: string, request: ReplayRequest): Promise<Delivery>;
  exportCaptures(format: string): { contentType: string; fileName: string; body: string };
  importCaptures(text: string, source: string): Promise<{ imported: number; skipped: number }>;
  setForwarding(target: unknown): string | null;
  pollOpenPayments(): Promise<PaymentRecord[]>;
  createShare(ttlSeconds: unknown): Promise<ShareResponse>;
  revokeShares(): void;
  /** The go-live check of a developer's handler (body: CheckRequest); HttpError 400/404/409 before anything is sent. */
  runCheck(input: unknown): Promise<CheckReport>;
}
