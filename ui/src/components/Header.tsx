// The top bar: brand, tabs with counts, mode, the callback URL to give miaPOS, tunnel and live-connection state.

import { liveStore, statusStore, viewStore, type Tab } from '../state/app-state.ts';
import { useStore } from '../state/store.ts';
import { formatCount } from '../lib/format.ts';
import { CopyButton } from './CopyButton.tsx';
import { TunnelStatus } from './TunnelStatus.tsx';

export function Header() {
  const { status, error } = useStore(statusStore);
  const view = useStore(viewStore);
  const counts = status?.counts;
  const tabs: Array<{ tab: Tab; label: string; count?: number }> = [
    { tab: 'captures', label: 'Captures', count: counts?.captures },
  ];
  if (!view.readOnly) tabs.push({ tab: 'payments', label: 'Payments', count: counts?.payments });
  if (status?.mode === 'emulator' && !view.readOnly) tabs.push({ tab: 'emulator', label: 'Emulator' });
  if (!view.readOnly) tabs.push({ tab: 'check', label: 'Go-live check' });
  return (
    <header class="topbar">
      <div class="brand" title={status ? `miahook ${status.version}` : 'miahook'}><span class="brand-mark">mia</span>hook</div>
      <nav class="tabs" aria-label="Views">
        {tabs.map((item) => (
          <button key={item.tab} type="button" class={`tab ${view.tab === item.tab ? 'tab-active' : ''}`} aria-current={view.tab === item.tab ? 'page' : undefined}
            onClick={() => viewStore.patch({ tab: item.tab })} data-tab={item.tab}>
            {item.label}
            {item.count !== undefined && <span class="tab-count" data-count={item.tab}>{formatCount(item.count)}</span>}
          </button>
        ))}
      </nav>
      <div class="topbar-spacer" />
      {error && <span class="chip chip-bad" title={error}>status unavailable</span>}
      {status && (
        <>
          <span class={`chip chip-mode-${status.mode}`} title={`Backend: ${status.backend.baseUrl}`}>{status.mode}</span>
          {status.urls.callback && (
            <div class="callback-url" title="Give this URL to miaPOS as callbackUrl">
              <span class="callback-label">Callback URL</span>
              <code data-testid="callback-url">{status.urls.callback}</code>
              <CopyButton text={status.urls.callback} />
            </div>
          )}
          <TunnelStatus tunnel={status.tunnel} readOnly={view.readOnly} />
        </>
      )}
      {counts && !view.readOnly && (
        <span class="muted small counts" title="Requests miahook and its emulator sent to apps: callbacks, replays, live forwards">
          {formatCount(counts.deliveries)} deliveries
        </span>
      )}
      <LiveChip />
    </header>
  );
}

function LiveChip() {
  const live = useStore(liveStore);
  const text = live.state === 'live' ? 'live' : live.state === 'connecting' ? 'connecting…' : `reconnecting${live.attempt > 1 ? ` (${live.attempt})` : ''}…`;
  return (
    <span class={`live live-${live.state}`} data-live={live.state} title={live.state === 'live' ? 'Receiving events as they happen' : 'The live connection dropped; retrying'}>
      <span class="live-dot" aria-hidden="true" />{text}
    </span>
  );
}
