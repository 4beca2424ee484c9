// Prints a check report as the terminal table: case, expected, got, verdict, and the hint under each row that needs one.

import type { CheckReport, CheckVerdict } from '../../shared/check-report.ts';
import { formatDuration } from './judge.ts';

const LABELS: Record<CheckVerdict, string> = { pass: 'pass', fail: 'FAIL', warn: 'warn', question: 'ASK', skip: 'skip' };

export function formatCheckReport(report: CheckReport): string {
  const { payment } = report;
  const chosen = payment.chosenBy === 'flag' ? 'chosen with --payment' : 'the newest payment with this callbackUrl';
  const rows = report.cases.map((item) => [item.name, item.expected, item.got, LABELS[item.verdict]] as const);
  const widths = [0, 1, 2].map((column) => Math.min(40, Math.max(...rows.map((row) => row[column]!.length), ['case', 'expected', 'got'][column]!.length)));
  const line = (cells: readonly string[]) => `  ${cells.map((cell, index) => (index < 3 ? cell.padEnd(widths[index]!) : cell)).join('  ')}`.trimEnd();
  const lines = [
    `Handler   ${report.handlerUrl}`,
    `Payment   ${payment.paymentId} (order ${payment.orderId}, ${payment.amount} ${payment.currency}; ${chosen})`,
    '',
    line(['case', 'expected', 'got', 'verdict']),
  ];
  for (const [index, item] of report.cases.entries()) {
    lines.push(line(rows[index]!));
    if (item.hint) lines.push(`      -> ${item.hint}`);
  }
  const { counts } = report;
  lines.push(
    '',
    `${counts.pass} passed, ${counts.fail} failed, ${counts.warn} warnings, ${counts.question} to look at, ${counts.skip} skipped (${formatDuration(report.durationMs)}).`,
    report.ok
      ? `Every required case holds.${counts.question ? ' Answer the questions above (ASK) yourself: the HTTP answer alone cannot show them.' : ''}`
      : `Not ready: ${counts.fail} required case${counts.fail === 1 ? '' : 's'} failed. Fix the mistakes named after "->" and run the check again.`,
  );
  return `${lines.join('\n')}\n`;
}
