// Typed calls for every inspector API route the UI uses (shapes from shared/api.ts).

import type {
  CaptureDetail, CaptureListResponse, EmulatorInfo, NewPaymentRequest, PaymentListResponse, ReplayRequest,
  ShareResponse, SimulateRequest, StatusResponse,
} from '../../../shared/api.ts';
import type { CheckReport, CheckRequest } from '../../../shared/check-report.ts';
import type { Delivery, PaymentRecord } from '../../../shared/records.ts';
import { requestBlob, requestJson } from './client.ts';

export interface CaptureFilters {
  q: string;
  status: string;
  verdict: '' | 'valid' | 'invalid' | 'unverifiable';
  channel: string;
}

export const fetchStatus = () => requestJson<StatusResponse>('GET', '/status');

export function fetchCaptures(filters: CaptureFilters, before: number | null, limit: number): Promise<CaptureListResponse> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (before !== null) params.set('before', String(before));
  for (const name of ['q', 'status', 'verdict', 'channel'] as const) {
    const value = filters[name].trim();
    if (value) params.set(name, value);
  }
  return requestJson<CaptureListResponse>('GET', `/captures?${params}`);
}

export const fetchCapture = (id: string) => requestJson<CaptureDetail>('GET', `/captures/${encodeURIComponent(id)}`);
export const deleteCapture = (id: string) => requestJson<{ deleted: number }>('DELETE', `/captures/${encodeURIComponent(id)}`);
export const deleteAllCaptures = () => requestJson<{ deleted: number }>('DELETE', '/captures');

export const fetchPayments = () => requestJson<PaymentListResponse>('GET', '/payments');
export const createPayment = (request: NewPaymentRequest) => requestJson<PaymentRecord>('POST', '/payments', request);
export const refreshPayment = (paymentId: string) => requestJson<PaymentRecord>('GET', `/payments/${encodeURIComponent(paymentId)}`);
export const pollOpenPayments = () => requestJson<PaymentListResponse>('POST', '/payments/poll-open', {});
export const simulatePayment = (paymentId: string, status: SimulateRequest['status']) =>
  requestJson<PaymentRecord>('POST', `/payments/${encodeURIComponent(paymentId)}/simulate`, { status } satisfies SimulateRequest);

export const fetchEmulator = () => requestJson<EmulatorInfo>('GET', '/emulator');
export const revealEmulatorSecret = () => requestJson<{ secretKey: string }>('POST', '/emulator/reveal-secret', {});

export const replayCapture = (id: string, request: ReplayRequest) => requestJson<Delivery>('POST', `/captures/${encodeURIComponent(id)}/replay`, request);
export const setForwarding = (target: string | null) => requestJson<{ forwardTo: string | null }>('POST', '/forwarding', { target });
export const createShare = (ttlSeconds?: number) => requestJson<ShareResponse>('POST', '/share', ttlSeconds ? { ttlSeconds } : {});
export const createCaptureShare = (id: string) => requestJson<ShareResponse>('POST', `/captures/${encodeURIComponent(id)}/share`, {});
export const revokeShares = () => requestJson<{ revoked: boolean }>('DELETE', '/share');
/** The go-live check: sends every case to the handler and answers with the whole report (seconds, up to minutes). */
export const runHandlerCheck = (request: CheckRequest) => requestJson<CheckReport>('POST', '/check', request);
export const downloadExport = (format: 'har' | 'json') => requestBlob(`/export?format=${format}`);
