// Search and filters over captures, the loaded/total count, and list-wide actions (export, live forward, clear).

import { useEffect, useState } from 'preact/hooks';
import { PAYMENT_STATUSES } from '../../../shared/protocol.ts';
import { deleteAllCaptures } from '../api/endpoints.ts';
import { formatCount } from '../lib/format.ts';
import { showError, viewStore } from '../state/app-state.ts';
import { capturesStore, setFilters } from '../state/captures-state.ts';
import { useStore } from '../state/store.ts';
import { ExportButtons } from './ExportButtons.tsx';
import { ForwardSwitch } from './ForwardSwitch.tsx';

export function CaptureToolbar() {
  const state = useStore(capturesStore);
  const { readOnly } = useStore(viewStore);
  const [search, setSearch] = useState(state.filters.q);

  useEffect(() => {
    if (search === capturesStore.get().filters.q) return;
    const timer = setTimeout(() => setFilters({ q: search }), 250);
    return () => clearTimeout(timer);
  }, [search]);

  const clearAll = async () => {
    if (!confirm('Delete every stored capture and its deliveries? This cannot be undone.')) return;
    try {
      await deleteAllCaptures();
    } catch (error) {
      showError(error);
    }
  };

  return (
    <div class="toolbar">
      <div class="toolbar-row">
        <input type="search" class="search" placeholder="Search order, payment id, body…" value={search} aria-label="Search captures"
          onInput={(event) => setSearch(event.currentTarget.value)} />
        <select aria-label="Status" value={state.filters.status} onChange={(event) => setFilters({ status: event.currentTarget.value })}>
          <option value="">Any status</option>
          {PAYMENT_STATUSES.map((status) => <option key={status} value={status}>{status}</option>)}
        </select>
        <select aria-label="Signature" value={state.filters.verdict}
          onChange={(event) => setFilters({ verdict: event.currentTarget.value as typeof state.filters.verdict })}>
          <option value="">Any signature</option>
          <option value="valid">Valid</option>
          <option value="invalid">Invalid</option>
          <option value="unverifiable">Unverifiable</option>
        </select>
        <select aria-label="Channel" value={state.filters.channel} onChange={(event) => setFilters({ channel: event.currentTarget.value })}>
          <option value="">Any channel</option>
          {state.channels.map((channel) => <option key={channel} value={channel}>{channel}</option>)}
        </select>
      </div>
      <div class="toolbar-row toolbar-row-quiet">
        <span class="muted small" data-testid="loaded-count" data-loaded={state.items.length} data-total={state.total}>
          {state.items.length === state.total ? `${formatCount(state.total)} shown` : `${formatCount(state.items.length)} of ${formatCount(state.total)} loaded`}
        </span>
        <div class="topbar-spacer" />
        {!readOnly && <ForwardSwitch />}
        {!readOnly && <ExportButtons />}
        {!readOnly && <button type="button" class="btn btn-small btn-danger-quiet" onClick={clearAll} disabled={state.total === 0}>Clear all</button>}
      </div>
    </div>
  );
}
