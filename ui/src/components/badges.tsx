// Small labels used everywhere: payment status chips, signature verdict badges, delivery results.

import type { VerdictKind } from '../../../shared/verdict.ts';

const STATUS_TONE: Record<string, string> = {
  SUCCESS: 'good', CREATED: 'neutral', PENDING: 'wait', FAILED: 'bad', DECLINED: 'bad', EXPIRED: 'muted',
};

export function StatusChip(props: { status: string | undefined }) {
  if (!props.status) return <span class="chip chip-muted">—</span>;
  return <span class={`chip chip-${STATUS_TONE[props.status] ?? 'neutral'}`}>{props.status}</span>;
}

const VERDICT_TEXT: Record<VerdictKind, string> = { valid: 'valid', invalid: 'invalid', unverifiable: 'unverifiable' };
const VERDICT_ICON: Record<VerdictKind, string> = { valid: '✓', invalid: '✕', unverifiable: '?' };

export function VerdictBadge(props: { verdict: VerdictKind; title?: string }) {
  return (
    <span class={`badge badge-${props.verdict}`} title={props.title} data-verdict={props.verdict}>
      <span aria-hidden="true">{VERDICT_ICON[props.verdict]}</span> {VERDICT_TEXT[props.verdict]}
    </span>
  );
}

/** The answer an app gave to a delivery: its HTTP status, or the reason there was none. */
export function DeliveryResult(props: { status: number | null; error?: string | null; count?: number }) {
  if (props.status === null && !props.error) {
    return props.count ? <span class="delivery delivery-bad" title="No answer">✕</span> : <span class="delivery delivery-none">—</span>;
  }
  if (props.status === null) return <span class="delivery delivery-bad" title={props.error ?? ''}>error</span>;
  const tone = props.status >= 200 && props.status < 300 ? 'good' : props.status >= 300 && props.status < 400 ? 'wait' : 'bad';
  return <span class={`delivery delivery-${tone}`}>→ {props.status}</span>;
}
