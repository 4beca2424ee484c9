// Judges one answer of the developer's handler against what a safe handler answers, naming the mistake when it is wrong.

import type { CheckCase } from '../../shared/check-report.ts';
import type { SentRequest } from '../replay/send-request.ts';
import type { CasePlan } from './cases.ts';

export interface Limits {
  warnMs: number;
  failMs: number;
}

type Judged = Pick<CheckCase, 'expected' | 'got' | 'verdict' | 'hint' | 'status' | 'durationMs'>;

const CRASH = 'your handler crashes on bad input: catch parse and type errors and answer 400 (a 5xx reads as an outage, and miaPOS logs it as a failed delivery)';

/** What a safe handler answers to this case. */
export function describeExpected(plan: CasePlan, limits: Limits): string {
  if (plan.expect === 'accept') return plan.timed ? `2xx within ${formatDuration(limits.warnMs)}` : '2xx';
  if (plan.expect === 'reject') return '4xx';
  return '2xx or 4xx, order still paid';
}

export function judgeCase(plan: CasePlan, sent: SentRequest, limits: Limits, earlier: ReadonlyMap<string, CheckCase>): Judged {
  const expected = describeExpected(plan, limits);
  const durationMs = sent.durationMs;
  const status = sent.response?.status ?? null;
  const mistake = plan.mistake(earlier);
  if (status === null) {
    const error = sent.error ?? 'no answer';
    const hint = error.startsWith('timeout')
      ? `no answer within ${formatDuration(limits.failMs)}: miaPOS waits 60 s, once, and never retries; answer 2xx at once and do slow work afterwards`
      : /ECONNREFUSED|connection refused/.test(error)
        ? `nothing accepts connections at ${sent.target}: is your app running, and did the previous request crash it?`
        : `the request failed: ${error}`;
    return { expected, got: `no answer: ${error}`, verdict: plan.expect === 'question' ? 'question' : 'fail', hint: plan.expect === 'question' ? `${hint}. ${mistake}` : hint, status, durationMs };
  }
  const got = `HTTP ${status} in ${formatDuration(durationMs)}`;
  const kind = Math.floor(status / 100);
  const judged = (verdict: CheckCase['verdict'], hint: string | null): Judged => ({ expected, got, verdict, hint, status, durationMs });
  const redirect = `your handler redirects (HTTP ${status}): miaPOS does not follow redirects; answer at this exact URL`;
  if (plan.expect === 'question') return judged('question', kind === 5 ? `it crashed (HTTP ${status}), see its log. ${mistake}` : mistake);
  if (plan.expect === 'reject') {
    if (kind === 4) return judged('pass', null);
    if (kind === 5) return judged('fail', CRASH);
    return judged('fail', kind === 3 ? redirect : mistake);
  }
  const genuineFailed = plan.id !== 'genuine' && earlier.get('genuine')?.verdict === 'fail';
  const first = (hint: string) => (genuineFailed ? `the genuine callback failed too, fix that first; then: ${hint}` : hint);
  if (kind === 2) {
    if (plan.timed && durationMs > limits.warnMs) {
      return judged('warn', `answered after ${formatDuration(durationMs)}: miaPOS waits 60 s, once, and never retries; answer 2xx first and do slow work (fulfilment, e-mails) afterwards`);
    }
    return judged('pass', null);
  }
  if (kind === 3) return judged('fail', first(redirect));
  if (kind === 5) return judged('fail', first(`your handler crashes on a genuine callback (HTTP ${status}, see its log); likely: ${mistake}`));
  return judged('fail', first(mistake));
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
