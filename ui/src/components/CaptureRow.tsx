// One row of the capture list: time, channel, status, order, amount, signature verdict, the app's answer.

import { Component } from 'preact';
import type { CaptureListItem } from '../../../shared/events.ts';
import { formatDateTime, formatTime } from '../lib/format.ts';
import { openCapture } from '../state/captures-state.ts';
import { DeliveryResult, StatusChip, VerdictBadge } from './badges.tsx';

export const ROW_HEIGHT = 32;

interface Props {
  item: CaptureListItem;
  top: number;
  selected: boolean;
  open: boolean;
}

function renderRow({ item, top, selected, open }: Props) {
  const { summary } = item;
  const mismatched = (item.payment?.mismatches.length ?? 0) > 0;
  return (
    <div role="option" aria-selected={selected} class={`crow ${selected ? 'crow-selected' : ''} ${open ? 'crow-open' : ''}`}
      style={{ transform: `translateY(${top}px)` }} data-row={item.id} data-order={summary.orderId ?? ''} onClick={() => openCapture(item.id)}>
      <span class="cell-time" title={formatDateTime(item.receivedAt)}>{formatTime(item.receivedAt)}</span>
      <span class="cell-channel">{item.channel ?? <span class="muted">default</span>}</span>
      <span><StatusChip status={summary.status} /></span>
      <span class="cell-order" title={summary.paymentId ? `paymentId ${summary.paymentId}` : item.url}>
        {summary.orderId ?? <span class="muted">{item.method} {item.url}</span>}
        {mismatched && <span class="mark-warn" title="Differs from the payment miahook registered">≠</span>}
      </span>
      <span class="num cell-amount">{summary.amount ? `${summary.amount} ${summary.currency ?? ''}` : <span class="muted">—</span>}</span>
      <span><VerdictBadge verdict={item.verification.verdict} title={item.verification.reason} /></span>
      <span><DeliveryResult status={item.lastDeliveryStatus} count={item.deliveryCount} /></span>
    </div>
  );
}

/** Re-renders only when its own capture, position or marks change (the list re-renders on every scroll frame). */
export class CaptureRow extends Component<Props> {
  override shouldComponentUpdate(next: Props): boolean {
    const now = this.props;
    return next.item !== now.item || next.top !== now.top || next.selected !== now.selected || next.open !== now.open;
  }

  override render() {
    return renderRow(this.props);
  }
}
