// Test helper: runs `POST /api/check` on a test instance and reads the report (verdicts by case id).

import type { CheckReport, CheckRequest, CheckVerdict } from '../../../shared/check-report.ts';
import type { TestInstance } from '../start-instance.ts';
import { createPayment } from './emulator-api.ts';

/** Registers an emulator payment whose callbackUrl is the handler, through the emulator's own HTTP API. */
export function createHandlerPayment(app: TestInstance, callbackUrl: string, amount: number, orderId = `order-${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
  return createPayment(app.emulator.url, app.emulator.credentials, { amount, orderId, callbackUrl });
}

export async function callCheck(app: TestInstance, request: CheckRequest | Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const response = await app.api('/api/check', { method: 'POST', body: JSON.stringify(request) });
  return { status: response.status, body: await response.json() };
}

export async function runCheckApi(app: TestInstance, request: CheckRequest): Promise<CheckReport> {
  const { status, body } = await callCheck(app, request);
  if (status !== 200) throw new Error(`POST /api/check answered ${status}: ${JSON.stringify(body)}`);
  return body as CheckReport;
}

export function verdictsOf(report: CheckReport): Record<string, CheckVerdict> {
  return Object.fromEntries(report.cases.map((item) => [item.id, item.verdict]));
}

export function hintOf(report: CheckReport, id: string): string {
  return report.cases.find((item) => item.id === id)?.hint ?? '';
}

/** Every case id, in the order the check sends them. */
export const CASE_IDS = [
  'genuine', 'duplicate',
  'tampered-amount', 'tampered-currency', 'tampered-orderId', 'tampered-status',
  'signature-other-key', 'signature-missing', 'signature-empty', 'signature-not-base64',
  'body-not-json', 'result-missing', 'result-not-object',
  'amount-one-decimal', 'amount-no-decimals', 'extra-field', 'optional-fields-absent', 'separator-and-non-ascii',
  'status-downgrade',
] as const;

/** The verdicts of a handler that does everything right. */
export function allPassing(): Record<string, CheckVerdict> {
  return Object.fromEntries(CASE_IDS.map((id) => [id, id === 'status-downgrade' ? 'question' : 'pass']));
}
