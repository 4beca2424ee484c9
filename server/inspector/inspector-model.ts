// What the inspector API can do, as plain domain calls; built by the composition root, used by thin routes.

import type { CaptureDetail, CaptureListResponse, EmulatorInfo, NewPaymentRequest, ReplayRequest, ShareResponse, StatusResponse } from '../../shared/api.ts';
import type { CheckReport } from '../../shared/check-report.ts';
import type { Delivery, PaymentRecord } from '../../shared/records.ts';
import type { ExportFile, ImportResult } from '../export/export-service.ts';

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
  listCaptures(query: CaptureListQuery): Promise<CaptureListResponse>;
  /** Throws HttpError 404 when unknown. */
  getCapture(id: string): Promise<CaptureDetail>;
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
  exportCaptures(format: string): ExportFile;
  importCaptures(text: string, source: string, options: { force: boolean }): Promise<ImportResult>;
  setForwarding(target: unknown): string | null;
  pollOpenPayments(): Promise<PaymentRecord[]>;
  createShare(ttlSeconds: unknown): Promise<ShareResponse>;
  /** A read-only link to one capture alone (404 for an unknown id). */
  createCaptureShare(id: string, ttlSeconds: unknown): Promise<ShareResponse>;
  revokeShares(): void;
  /** The go-live check of a developer's handler (body: CheckRequest); HttpError 400/404/409 before anything is sent. */
  runCheck(input: unknown): Promise<CheckReport>;
}
