// Page-wide state: server status, live connection, current view, auth problems and the toasts shown to the user.

import type { StatusResponse } from '../../../shared/api.ts';
import type { LiveState } from '../api/live-socket.ts';
import { fetchStatus } from '../api/endpoints.ts';
import { createStore } from './store.ts';

export type Tab = 'captures' | 'payments' | 'emulator' | 'check';

export const statusStore = createStore<{ status: StatusResponse | null; error: string | null }>({ status: null, error: null });
export const liveStore = createStore<{ state: LiveState; attempt: number }>({ state: 'connecting', attempt: 0 });
export const viewStore = createStore<{ tab: Tab; readOnly: boolean }>({ tab: 'captures', readOnly: false });
/** Set when the server refused our token or share link: the page then explains what to do. */
export const authProblemStore = createStore<string | null>(null);

export interface Toast {
  id: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}
export const toastStore = createStore<Toast[]>([]);
let nextToastId = 1;

/** Shows a message in the corner; info ones go away by themselves. */
export function showToast(level: Toast['level'], message: string): void {
  const id = nextToastId++;
  toastStore.set((toasts) => [...toasts.slice(-4), { id, level, message }]);
  if (level === 'info') setTimeout(() => dismissToast(id), 6_000);
}

export function dismissToast(id: number): void {
  toastStore.set((toasts) => toasts.filter((toast) => toast.id !== id));
}

/** Shows an error from any failed action as a readable toast. */
export function showError(error: unknown): void {
  showToast('error', error instanceof Error ? error.message : String(error));
}

export async function loadStatus(): Promise<void> {
  try {
    const status = await fetchStatus();
    statusStore.set({ status, error: null });
    if (status.readOnly) viewStore.patch({ readOnly: true });
  } catch (error) {
    statusStore.patch({ error: (error as Error).message });
  }
}

/** Adjusts a count in the header without asking the server again. */
export function bumpCount(name: keyof StatusResponse['counts'], delta: number | 'reset'): void {
  statusStore.set((current) => {
    if (!current.status) return current;
    const counts = { ...current.status.counts, [name]: delta === 'reset' ? 0 : Math.max(0, current.status.counts[name] + delta) };
    return { ...current, status: { ...current.status, counts } };
  });
}
