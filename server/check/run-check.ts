// Runs the go-live check: sends each case's callback to the developer's handler, records it, judges the answer.
// Threat model: the handler URL comes from an API caller, so it must pass the replay target rules (loopback,
// --forward-to host, --allow-target hosts; never link-local or metadata), checked again at connect time.

import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { CheckCase, CheckReport, CheckRequest, CheckVerdict } from '../../shared/check-report.ts';
import { formatAmountNumber } from '../../shared/amount.ts';
import type { DomainEvent } from '../../shared/events.ts';
import type { Delivery, HeaderPair } from '../../shared/records.ts';
import { HttpError } from '../http/http-error.ts';
import { sendRequest, type SentRequest } from '../replay/send-request.ts';
import { checkTarget, type Resolver, type TargetPolicy } from '../http/outbound/target-policy.ts';
import { readPublicKey } from '../signature/keys.ts';
import { signString } from '../signature/rsa.ts';
import { verifyCallback } from '../signature/verify.ts';
import { planCases, type CasePlan } from './cases.ts';
import { choosePayment, type PaymentSource } from './choose-payment.ts';
import { judgeCase, describeExpected, type Limits } from './judge.ts';

export const DEFAULT_LIMITS: Limits = { warnMs: 5_000, failMs: 60_000 };
const HEADERS: HeaderPair[] = [['Content-Type', 'application/json'], ['User-Agent', 'miahook-check']];
const makeKeyPair = promisify(generateKeyPair);

export interface CheckServiceDeps {
  emulator: PaymentSource & { signText(text: string): string; publicKeyBase64: string };
  appendDelivery(draft: Omit<Delivery, 'seq'>): Promise<Delivery>;
  emit(event: DomainEvent): void;
  /** --forward-to and --allow-target, as replays use them. */
  forwardTo: string | null;
  allowTargets: readonly string[];
  log?: (line: string) => void;
  /** Resolver for hostnames (tests); the system one by default. */
  resolve?: Resolver;
}

export interface CheckService {
  /** Validates the request (HttpError 400/404/409), then runs every case in order. */
  run(input: unknown): Promise<CheckReport>;
}

export function createCheckService(deps: CheckServiceDeps): CheckService {
  const policy: TargetPolicy = { ...(deps.forwardTo ? { appUrl: deps.forwardTo } : {}), allowHosts: deps.allowTargets };
  const emulatorKey = readPublicKey(deps.emulator.publicKeyBase64, 'emulator');

  async function send(plan: CasePlan, body: Buffer, target: string, paymentId: string, limits: Limits): Promise<{ sent: SentRequest; deliveryId: string | null }> {
    const sent = await sendRequest({ target, method: 'POST', headers: HEADERS, body, policy, timeoutMs: limits.failMs, ...(deps.resolve ? { resolve: deps.resolve } : {}) });
    try {
      const delivery = await deps.appendDelivery({
        ...sent,
        id: `dlv_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`,
        kind: 'check',
        paymentId,
        request: { ...sent.request, preset: `check:${plan.id}`, verification: verifyCallback(body, [emulatorKey]) },
      });
      deps.emit({ type: 'delivery', delivery });
      return { sent, deliveryId: delivery.id };
    } catch (error) {
      deps.log?.(`could not store the check delivery for ${plan.id}: ${(error as Error).message}`);
      return { sent, deliveryId: null };
    }
  }

  return {
    async run(input) {
      const request = readCheckRequest(input);
      const limits = readLimits(request.timing);
      const target = checkTarget(request.handlerUrl, policy);
      if (!target.ok) throw new HttpError(400, 'forbidden_target', `${target.reason}. Start miahook with --allow-target <host> (or --forward-to your app's URL) to check a handler on another host.`);
      const { payment, chosenBy } = choosePayment(deps.emulator, request.handlerUrl, request.paymentId);
      const started = performance.now();
      const startedAt = new Date();
      const otherKey = (await makeKeyPair('rsa', { modulusLength: 2048 })).privateKey as KeyObject;
      const plans = planCases({
        payment,
        signText: (text) => deps.emulator.signText(text),
        signWithOtherKey: (text) => signString(text, otherKey),
        emulatorUrl: deps.emulator.url,
        now: startedAt,
      });
      const done = new Map<string, CheckCase>();
      let stopReason: string | null = null;
      for (const plan of plans) {
        const row = { id: plan.id, group: plan.group, name: plan.name, sent: plan.sent, required: plan.required };
        const reason = stopReason ?? (plan.body === null ? plan.skipReason ?? 'not sent' : null);
        if (reason !== null || plan.body === null) {
          done.set(plan.id, { ...row, expected: describeExpected(plan, limits), got: 'not sent', verdict: 'skip', hint: reason, status: null, durationMs: null, deliveryId: null });
          continue;
        }
        const { sent, deliveryId } = await send(plan, plan.body, request.handlerUrl, payment.paymentId, limits);
        done.set(plan.id, { ...row, ...judgeCase(plan, sent, limits, done), deliveryId });
        stopReason = findStopReason(plan, sent);
      }
      const cases = [...done.values()];
      const counts = countVerdicts(cases);
      const report: CheckReport = {
        handlerUrl: request.handlerUrl,
        payment: {
          paymentId: payment.paymentId,
          orderId: payment.orderId,
          amount: formatAmountNumber(payment.amount) ?? String(payment.amount),
          currency: payment.currency,
          chosenBy,
          callbackUrl: payment.callbackUrl ?? null,
        },
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(performance.now() - started),
        limits,
        cases,
        counts,
        ok: counts.fail === 0,
      };
      const summary = `Check of ${request.handlerUrl}: ${counts.pass} passed, ${counts.fail} failed, ${counts.warn} warnings, ${counts.question} to look at, ${counts.skip} skipped.`;
      deps.log?.(summary);
      deps.emit({ type: 'notice', level: report.ok ? 'info' : 'warn', message: summary });
      return report;
    },
  };
}

/** After this answer, is there any point sending the rest? */
function findStopReason(plan: CasePlan, sent: SentRequest): string | null {
  if (sent.response !== null) return null;
  const error = sent.error ?? 'no answer';
  if (/ECONNREFUSED/.test(error)) return `not sent: the handler stopped accepting connections after "${plan.name}" (${error})`;
  if (plan.id === 'genuine') return `not sent: the genuine callback got no answer (${error}); fix that first`;
  return null;
}

function countVerdicts(cases: readonly CheckCase[]): Record<CheckVerdict, number> {
  const counts: Record<CheckVerdict, number> = { pass: 0, fail: 0, warn: 0, question: 0, skip: 0 };
  for (const item of cases) counts[item.verdict]++;
  return counts;
}

function readCheckRequest(input: unknown): CheckRequest {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw bad('Send {"handlerUrl": "http://127.0.0.1:3000/miapos/callback"} (and optionally "paymentId").');
  const body = input as Record<string, unknown>;
  if (typeof body.handlerUrl !== 'string' || body.handlerUrl.trim() === '') throw bad('"handlerUrl" is required: the URL where your app receives miaPOS callbacks, e.g. http://127.0.0.1:3000/miapos/callback.');
  if (body.paymentId !== undefined && body.paymentId !== null && (typeof body.paymentId !== 'string' || body.paymentId === '')) throw bad('"paymentId" must be an emulator paymentId string.');
  if (body.timing !== undefined && (typeof body.timing !== 'object' || body.timing === null)) throw bad('"timing" must be {"warnMs": n, "failMs": n}.');
  return {
    handlerUrl: body.handlerUrl.trim(),
    ...(typeof body.paymentId === 'string' ? { paymentId: body.paymentId } : {}),
    ...(body.timing ? { timing: body.timing as CheckRequest['timing'] } : {}),
  };
}

function readLimits(timing: CheckRequest['timing']): Limits {
  const failMs = timing?.failMs ?? DEFAULT_LIMITS.failMs;
  const warnMs = timing?.warnMs ?? Math.min(DEFAULT_LIMITS.warnMs, failMs);
  if (typeof failMs !== 'number' || !(failMs > 0) || failMs > DEFAULT_LIMITS.failMs) throw bad('"timing.failMs" must be a number of milliseconds above 0 and at most 60000 (miaPOS waits 60 s).');
  if (typeof warnMs !== 'number' || !(warnMs >= 0) || warnMs > failMs) throw bad('"timing.warnMs" must be a number of milliseconds from 0 to timing.failMs.');
  return { warnMs, failMs };
}

function bad(message: string): HttpError {
  return new HttpError(400, 'bad_check_request', message);
}
