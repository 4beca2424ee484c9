// The captures tab: toolbar and virtualised list on the left, the open capture's detail on the right; keyboard-driven.

import { useEffect } from 'preact/hooks';
import { capturesStore, moveSelection, openCapture } from '../state/captures-state.ts';
import { loadDetail } from '../state/detail-state.ts';
import { useStore } from '../state/store.ts';
import { CaptureDetail } from './CaptureDetail.tsx';
import { CaptureList } from './CaptureList.tsx';
import { CaptureToolbar } from './CaptureToolbar.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';

export function CapturesView() {
  const { openId } = useStore(capturesStore);
  useEffect(() => void loadDetail(openId), [openId]);
  useListKeys();
  return (
    <div class="split">
      <section class="list-pane" aria-label="Captures">
        <CaptureToolbar />
        <ErrorBoundary label="capture list"><CaptureList /></ErrorBoundary>
      </section>
      <section class="detail-pane" aria-label="Capture detail">
        <ErrorBoundary label="capture detail"><CaptureDetail /></ErrorBoundary>
      </section>
    </div>
  );
}

/** Up/down move through the list, Enter opens, Escape closes; not while typing in a field. */
function useListKeys(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (event.key === 'ArrowDown' || event.key === 'j') moveSelection(1);
      else if (event.key === 'ArrowUp' || event.key === 'k') moveSelection(-1);
      else if (event.key === 'Enter') {
        const { selectedId } = capturesStore.get();
        if (!selectedId || (target && target.tagName === 'BUTTON')) return;
        openCapture(selectedId);
      } else if (event.key === 'Escape') openCapture(null);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
