// Every time miahook sent this capture somewhere (replays, live forwards, checks) and what the app answered.

import type { Delivery } from '../../../shared/records.ts';
import { DeliveryItem } from './DeliveryItem.tsx';

export function DeliveryList(props: { deliveries: Delivery[]; title?: string; emptyText?: string }) {
  const newestFirst = props.deliveries.slice().sort((a, b) => b.seq - a.seq);
  return (
    <section class="card" data-testid="deliveries">
      <h3>{props.title ?? 'Deliveries and replays'} <span class="muted small">{props.deliveries.length}</span></h3>
      {newestFirst.length === 0
        ? <p class="muted small">{props.emptyText ?? 'Not sent anywhere yet. Replay it to your app, or turn on live forwarding.'}</p>
        : <ul class="deliveries">{newestFirst.map((delivery) => <DeliveryItem key={delivery.id} delivery={delivery} />)}</ul>}
    </section>
  );
}
