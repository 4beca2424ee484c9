// The capture list: newest first, paged by the seq cursor, filtered on the server, kept current by live events.

import type { CaptureListItem } from '../../../shared/events.ts';
import { fetchCaptures, type CaptureFilters } from '../api/endpoints.ts';
import { createStore } from './store.ts';

export const PAGE_SIZE = 500;

export interface CapturesState {
  items: CaptureListItem[];
  nextBefore: number | null;
  total: number;
  channels: string[];
  loading: boolean;
  /** The first page has arrived (or failed). */
  loaded: boolean;
  error: string | null;
  filters: CaptureFilters;
  /** The capture the keyboard cursor is on. */
  selectedId: string | null;
  /** The capture whose detail is shown. */
  openId: string | null;
}

export const EMPTY_FILTERS: CaptureFilters = { q: '', status: '', verdict: '', channel: '' };

export const capturesStore = createStore<CapturesState>({
  items: [], nextBefore: null, total: 0, channels: [], loading: false, loaded: false, error: null,
  filters: EMPTY_FILTERS, selectedId: null, openId: null,
});

let generation = 0;

/** Loads the newest page for the current filters, replacing the list. */
export async function loadFirstPage(): Promise<void> {
  const mine = ++generation;
  capturesStore.patch({ loading: true, error: null });
  try {
    const page = await fetchCaptures(capturesStore.get().filters, null, PAGE_SIZE);
    if (mine !== generation) return;
    capturesStore.patch({ items: page.items, nextBefore: page.nextBefore, total: page.total, channels: page.channels, loading: false, loaded: true });
  } catch (error) {
    if (mine === generation) capturesStore.patch({ loading: false, loaded: true, error: (error as Error).message });
  }
}

/** Appends the next older page, if there is one and none is loading. */
export async function loadOlderPage(): Promise<void> {
  const state = capturesStore.get();
  if (state.loading || state.nextBefore === null) return;
  const mine = generation;
  capturesStore.patch({ loading: true, error: null });
  try {
    const page = await fetchCaptures(state.filters, state.nextBefore, PAGE_SIZE);
    if (mine !== generation) return;
    capturesStore.set((current) => {
      const known = new Set(current.items.map((item) => item.id));
      const older = page.items.filter((item) => !known.has(item.id));
      return { ...current, items: [...current.items, ...older], nextBefore: page.nextBefore, total: page.total, channels: page.channels, loading: false };
    });
  } catch (error) {
    if (mine === generation) capturesStore.patch({ loading: false, error: (error as Error).message });
  }
}

export function setFilters(partial: Partial<CaptureFilters>): void {
  capturesStore.set((current) => ({ ...current, filters: { ...current.filters, ...partial } }));
  void loadFirstPage();
}

/** A live capture: shown at the top when it matches the filters, or updated in place when already listed. */
export function applyCaptureEvent(item: CaptureListItem): void {
  capturesStore.set((current) => {
    const channels = item.channel && !current.channels.includes(item.channel) ? [...current.channels, item.channel].sort() : current.channels;
    const index = current.items.findIndex((existing) => existing.id === item.id);
    if (index >= 0) {
      const items = current.items.slice();
      items[index] = item;
      return { ...current, items, channels };
    }
    if (!matchesFilters(item, current.filters)) return { ...current, channels };
    return { ...current, items: [item, ...current.items], total: current.total + 1, channels };
  });
}

export function applyCapturesDeleted(ids: string[] | 'all'): void {
  capturesStore.set((current) => {
    if (ids === 'all') return { ...current, items: [], total: 0, nextBefore: null, openId: null, selectedId: null };
    const gone = new Set(ids);
    const items = current.items.filter((item) => !gone.has(item.id));
    return {
      ...current,
      items,
      total: Math.max(0, current.total - (current.items.length - items.length)),
      openId: current.openId && gone.has(current.openId) ? null : current.openId,
      selectedId: current.selectedId && gone.has(current.selectedId) ? null : current.selectedId,
    };
  });
}

/** Updates a listed capture's delivery column after a replay or forward. */
export function applyDeliveryToList(captureId: string, status: number | null): void {
  capturesStore.set((current) => {
    const index = current.items.findIndex((item) => item.id === captureId);
    if (index < 0) return current;
    const items = current.items.slice();
    const item = items[index]!;
    items[index] = { ...item, deliveryCount: item.deliveryCount + 1, lastDeliveryStatus: status };
    return { ...current, items };
  });
}

export function openCapture(id: string | null): void {
  capturesStore.set((current) => ({ ...current, selectedId: id ?? current.selectedId, openId: id }));
}

/** Moves the keyboard cursor by `delta` rows. */
export function moveSelection(delta: number): void {
  capturesStore.set((current) => {
    if (current.items.length === 0) return current;
    const index = current.selectedId ? current.items.findIndex((item) => item.id === current.selectedId) : -1;
    const next = Math.min(current.items.length - 1, Math.max(0, index < 0 ? 0 : index + delta));
    return { ...current, selectedId: current.items[next]!.id };
  });
}

/** The server's search, approximated for live items (the body text is not in the list item). */
export function matchesFilters(item: CaptureListItem, filters: CaptureFilters): boolean {
  if (filters.channel && item.channel !== filters.channel) return false;
  if (filters.verdict && item.verification.verdict !== filters.verdict) return false;
  if (filters.status && (item.summary.status ?? '').toLowerCase() !== filters.status.toLowerCase()) return false;
  const q = filters.q.trim().toLowerCase();
  if (!q) return true;
  const { summary } = item;
  return [item.id, item.channel ?? '', item.url, item.sender, summary.status, summary.orderId, summary.paymentId, summary.amount, summary.currency, item.verification.reason]
    .some((text) => (text ?? '').toLowerCase().includes(q));
}
