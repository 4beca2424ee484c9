// Words for a go-live check report, matching the CLI's table (`miahook check`): verdict labels, summary and verdict lines.

import type { CheckGroup, CheckReport, CheckVerdict } from '../../../shared/check-report.ts';

export const VERDICT_LABEL: Record<CheckVerdict, string> = { pass: 'pass', fail: 'FAIL', warn: 'warn', question: 'ASK', skip: 'skip' };

export const VERDICT_TITLE: Record<CheckVerdict, string> = {
  pass: 'The handler did what a safe handler does',
  fail: 'The handler did not do what a safe handler does',
  warn: 'Right answer, but something to fix',
  question: 'The HTTP answer cannot tell: look at your app yourself',
  skip: 'Not sent',
};

export const GROUP_LABEL: Record<CheckGroup, string> = {
  genuine: 'Genuine callbacks',
  tampered: 'Tampered fields',
  signature: 'Broken signatures',
  'bad-input': 'Bad input',
  'common-bugs': 'Common sign-string bugs',
  downgrade: 'Status downgrade',
};

/** Durations as the CLI writes them: "14 ms", "5 s", "1.2 s". */
export function formatCheckDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** "17 passed, 1 failed, 0 warnings, 1 to look at, 0 skipped (1.2 s)." */
export function formatCheckSummary(report: CheckReport): string {
  const { counts } = report;
  return `${counts.pass} passed, ${counts.fail} failed, ${counts.warn} warnings, ${counts.question} to look at, ${counts.skip} skipped (${formatCheckDuration(report.durationMs)}).`;
}

/** The ready / not ready line under the summary, as the CLI words it, split into its lead and the rest. */
export function formatCheckVerdict(report: CheckReport): { lead: string; rest: string } {
  const { counts } = report;
  if (report.ok) {
    return { lead: 'Ready', rest: `every required case holds.${counts.question ? ' Answer the questions marked ASK yourself: the HTTP answer alone cannot show them.' : ''}` };
  }
  return { lead: 'Not ready', rest: `${counts.fail} required case${counts.fail === 1 ? '' : 's'} failed. Fix the mistakes named under the failing rows and run the check again.` };
}

export function describeChosenPayment(report: CheckReport): string {
  return report.payment.chosenBy === 'flag' ? 'the payment id you gave' : 'the newest emulator payment with this callbackUrl';
}
