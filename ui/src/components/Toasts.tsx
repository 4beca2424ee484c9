// Messages in the corner: errors from actions, notices from the server.

import { dismissToast, toastStore } from '../state/app-state.ts';
import { useStore } from '../state/store.ts';

export function Toasts() {
  const toasts = useStore(toastStore);
  if (toasts.length === 0) return null;
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} class={`toast toast-${toast.level}`}>
          <span class="toast-text">{toast.message}</span>
          <button type="button" class="btn-icon" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
