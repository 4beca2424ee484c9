// What `miahook tail` prints for a capture or an app answer: one aligned text line, or one JSON object (for jq).

import type { CaptureListItem } from '../../shared/events.ts';
import type { Delivery } from '../../shared/records.ts';

/** The channel label tail shows and filters on: the label after /callback/, or "default". */
export function channelName(channel: string | null): string {
  return channel ?? 'default';
}

export function formatCaptureLine(item: CaptureListItem): string {
  const { summary } = item;
  const amount = summary.amount ? `${summary.amount}${summary.currency ? ` ${summary.currency}` : ''}` : '-';
  return [
    formatClock(item.receivedAt),
    channelName(item.channel).padEnd(10),
    (summary.status ?? '-').padEnd(9),
    (summary.orderId ?? `${item.method} ${item.url}`).padEnd(16),
    amount.padStart(12),
    item.verification.verdict.padEnd(12),
    `app ${item.lastDeliveryStatus ?? '-'}`,
  ].join('  ');
}

export function formatCaptureJson(item: CaptureListItem): string {
  return JSON.stringify({
    type: 'capture',
    id: item.id,
    receivedAt: item.receivedAt,
    channel: channelName(item.channel),
    method: item.method,
    url: item.url,
    status: item.summary.status ?? null,
    orderId: item.summary.orderId ?? null,
    paymentId: item.summary.paymentId ?? null,
    amount: item.summary.amount ?? null,
    currency: item.summary.currency ?? null,
    verdict: item.verification.verdict,
    reason: item.verification.reason,
    appAnswer: item.lastDeliveryStatus,
    sender: item.sender,
  });
}

/** A later answer of your app to a capture tail already printed (a live forward or a replay). */
export function formatAnswerLine(delivery: Delivery, label: string): string {
  const answer = delivery.response ? String(delivery.response.status) : `no answer (${delivery.error ?? 'unknown error'})`;
  return `${formatClock(delivery.startedAt)}  ↳ app answered ${answer} to ${label} (${delivery.kind}, ${delivery.durationMs} ms)`;
}

export function formatAnswerJson(delivery: Delivery): string {
  return JSON.stringify({
    type: 'app-answer',
    captureId: delivery.captureId ?? null,
    kind: delivery.kind,
    at: delivery.startedAt,
    status: delivery.response?.status ?? null,
    error: delivery.error,
    durationMs: delivery.durationMs,
  });
}

function formatClock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toTimeString().slice(0, 8);
}
