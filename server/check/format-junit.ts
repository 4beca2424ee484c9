// Writes a check report as JUnit XML for CI: one testcase per case; fail -> <failure>, skip -> <skipped>, warn/ASK -> <system-out>.

import type { CheckReport } from '../../shared/check-report.ts';

export function formatJunit(report: CheckReport): string {
  const { counts } = report;
  const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);
  const suiteAttributes = `name="${escapeXml(`miahook check ${report.handlerUrl}`)}" tests="${report.cases.length}" failures="${counts.fail}" errors="0" skipped="${counts.skip}" time="${seconds(report.durationMs)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${suiteAttributes}>`,
    `  <testsuite ${suiteAttributes} timestamp="${escapeXml(report.startedAt)}">`,
    '    <properties>',
    `      <property name="paymentId" value="${escapeXml(report.payment.paymentId)}"/>`,
    `      <property name="amount" value="${escapeXml(`${report.payment.amount} ${report.payment.currency}`)}"/>`,
    '    </properties>',
  ];
  for (const item of report.cases) {
    const open = `    <testcase classname="miahook.check.${escapeXml(item.group)}" name="${escapeXml(item.name)}" time="${seconds(item.durationMs)}"`;
    const detail = `sent: ${item.sent}\nexpected: ${item.expected}\ngot: ${item.got}${item.hint ? `\nhint: ${item.hint}` : ''}`;
    if (item.verdict === 'pass') {
      lines.push(`${open}/>`);
    } else if (item.verdict === 'fail') {
      lines.push(`${open}>`, `      <failure message="${escapeXml(item.hint ?? `expected ${item.expected}, got ${item.got}`)}" type="${escapeXml(item.id)}">${escapeXml(detail)}</failure>`, '    </testcase>');
    } else if (item.verdict === 'skip') {
      lines.push(`${open}>`, `      <skipped message="${escapeXml(item.hint ?? 'not sent')}"/>`, '    </testcase>');
    } else {
      lines.push(`${open}>`, `      <system-out>${escapeXml(`${item.verdict === 'warn' ? 'WARNING' : 'QUESTION'}: ${detail}`)}</system-out>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/** Escapes text for an XML attribute or element, dropping characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
