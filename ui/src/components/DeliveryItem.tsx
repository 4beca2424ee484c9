// One delivery: where it went, the answer or the error, marks for edited/preset bodies, and the exchange on demand.

import { useState } from 'preact/hooks';
import type { Delivery } from '../../../shared/records.ts';
import { buildCurlCommand } from '../lib/curl.ts';
import { decodeText } from '../lib/bytes.ts';
import { formatDuration, formatTime } from '../lib/format.ts';
import { DeliveryResult, VerdictBadge } from './badges.tsx';
import { CopyButton } from './CopyButton.tsx';

const KIND_TEXT: Record<Delivery['kind'], string> = { 'emulator-callback': 'callback', replay: 'replay', forward: 'forward', check: 'check' };

export function DeliveryItem(props: { delivery: Delivery }) {
  const { delivery } = props;
  const [open, setOpen] = useState(false);
  const verdict = delivery.request.verification;
  return (
    <li class="delivery-item" data-delivery={delivery.id}>
      <button type="button" class="delivery-line" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span class="chip chip-neutral">{KIND_TEXT[delivery.kind]}</span>
        <span class="muted small">{formatTime(delivery.startedAt)}</span>
        <code class="delivery-target">{delivery.request.method} {delivery.target}</code>
        {delivery.request.preset && <span class="chip chip-wait">{delivery.request.preset}</span>}
        {delivery.request.edited && !delivery.request.preset && <span class="chip chip-wait">edited</span>}
        {verdict && <VerdictBadge verdict={verdict.verdict} title={verdict.reason} />}
        <span class="topbar-spacer" />
        <DeliveryResult status={delivery.response?.status ?? null} error={delivery.error} count={1} />
        <span class="muted small">{formatDuration(delivery.durationMs)}</span>
      </button>
      {verdict?.verdict === 'invalid' && <p class="note small">This request carries an invalid signature: a correct handler must reject it.</p>}
      {delivery.error && <p class="inline-error small">{delivery.error}</p>}
      {open && <DeliveryExchange delivery={delivery} />}
    </li>
  );
}

export function DeliveryExchange(props: { delivery: Delivery }) {
  const { delivery } = props;
  const { response } = delivery;
  return (
    <div class="exchange">
      <div class="exchange-head">
        <span class="label">Request</span>
        <CopyButton text={buildCurlCommand({ method: delivery.request.method, url: delivery.target, headers: delivery.request.headers, bodyBase64: delivery.request.bodyBase64 })} label="Copy as curl" />
      </div>
      <pre class="code code-small code-wrap">{delivery.request.headers.map(([name, value]) => `${name}: ${value}`).join('\n')}{'\n\n'}{decodeText(delivery.request.bodyBase64)}</pre>
      <div class="label">Response</div>
      {response ? (
        <pre class="code code-small code-wrap">
          {`HTTP ${response.status}\n`}{response.headers.map(([name, value]) => `${name}: ${value}`).join('\n')}{'\n\n'}{decodeText(response.bodyBase64) || '(empty body)'}
          {response.truncated ? '\n… (cut: the answer was longer than the cap)' : ''}
        </pre>
      ) : <p class="muted small">No response{delivery.error ? `: ${delivery.error}` : ''}.</p>}
    </div>
  );
}
