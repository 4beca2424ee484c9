// The virtualised capture list: only the rows in view are in the DOM; older pages load when the end comes near.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { capturesStore, loadOlderPage } from '../state/captures-state.ts';
import { useStore } from '../state/store.ts';
import { formatCount } from '../lib/format.ts';
import { CaptureRow, ROW_HEIGHT } from './CaptureRow.tsx';

const OVERSCAN = 10;
/** Start loading the next page when fewer rows than this are left below the view. */
const PREFETCH_ROWS = 150;

export function CaptureList() {
  const state = useStore(capturesStore);
  const { items } = state;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const frame = useRef(0);
  const firstId = useRef<string | null>(null);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    setViewport(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  // New captures arrive on top: keep the rows the user is reading where they are.
  useLayoutEffect(() => {
    const element = scroller.current;
    const previous = firstId.current;
    firstId.current = items[0]?.id ?? null;
    if (!element || !previous || element.scrollTop === 0) return;
    const shift = items.findIndex((item) => item.id === previous);
    if (shift > 0) element.scrollTop += shift * ROW_HEIGHT;
    else if (shift < 0) element.scrollTop = 0; // a new list (other filters): start at its top
    setScrollTop(element.scrollTop);
  }, [items]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    if (state.loaded && !state.loading && state.nextBefore !== null && last >= items.length - PREFETCH_ROWS) void loadOlderPage();
  }, [last, items.length, state.loaded, state.loading, state.nextBefore]);

  // Keep the keyboard cursor in view.
  useEffect(() => {
    const element = scroller.current;
    if (!element || !state.selectedId) return;
    const index = items.findIndex((item) => item.id === state.selectedId);
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  }, [state.selectedId]);

  const onScroll = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (scroller.current) setScrollTop(scroller.current.scrollTop);
    });
  };

  const rows = [];
  for (let index = first; index < last; index++) {
    const item = items[index]!;
    rows.push(
      <CaptureRow key={item.id} item={item} top={index * ROW_HEIGHT} selected={item.id === state.selectedId} open={item.id === state.openId} />,
    );
  }

  return (
    <div class="capture-list">
      <div class="list-head" role="row">
        <span>Time</span><span>Channel</span><span>Status</span><span>Order</span><span class="num">Amount</span><span>Signature</span><span>App</span>
      </div>
      <div class="list-scroll" ref={scroller} onScroll={onScroll} role="listbox" aria-label="Captured callbacks" data-testid="capture-scroll">
        <div class="list-spacer" style={{ height: `${items.length * ROW_HEIGHT + ROW_HEIGHT * 2}px` }}>
          {rows}
          <div class="list-foot" style={{ top: `${items.length * ROW_HEIGHT}px` }}>
            <ListFoot />
          </div>
        </div>
        {state.loaded && items.length === 0 && !state.error && <EmptyList />}
      </div>
    </div>
  );
}

function ListFoot() {
  const state = useStore(capturesStore);
  if (state.error) return <span class="inline-error">{state.error} <button type="button" class="btn btn-small" onClick={() => void loadOlderPage()}>Retry</button></span>;
  if (state.loading) return <span class="muted">Loading…</span>;
  if (state.nextBefore !== null) return <button type="button" class="btn btn-small" onClick={() => void loadOlderPage()}>Load older</button>;
  if (state.items.length > 0) return <span class="muted">{formatCount(state.items.length)} capture{state.items.length === 1 ? '' : 's'}, all loaded</span>;
  return null;
}

function EmptyList() {
  const filtered = Object.values(capturesStore.get().filters).some((value) => value !== '');
  return (
    <div class="empty">
      {filtered ? <p>No capture matches these filters.</p> : (
        <>
          <p><strong>No callbacks yet.</strong></p>
          <p class="muted">Create a payment in the Payments tab and make it succeed, or POST anything to the callback URL shown at the top.</p>
        </>
      )}
    </div>
  );
}
