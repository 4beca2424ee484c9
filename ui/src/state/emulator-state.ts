// The emulator's public details and its recent deliveries to other apps (the secret never enters this store).

import type { EmulatorInfo } from '../../../shared/api.ts';
import type { Delivery } from '../../../shared/records.ts';
import { fetchEmulator } from '../api/endpoints.ts';
import { createStore } from './store.ts';

export const emulatorStore = createStore<{ info: EmulatorInfo | null; loaded: boolean; error: string | null }>({ info: null, loaded: false, error: null });

export async function loadEmulator(): Promise<void> {
  try {
    emulatorStore.set({ info: await fetchEmulator(), loaded: true, error: null });
  } catch (error) {
    emulatorStore.set({ info: null, loaded: true, error: (error as Error).message });
  }
}

export function applyEmulatorDelivery(delivery: Delivery): void {
  if (delivery.kind !== 'emulator-callback') return;
  emulatorStore.set((current) => {
    if (!current.info || current.info.recentDeliveries.some((known) => known.id === delivery.id)) return current;
    return { ...current, info: { ...current.info, recentDeliveries: [delivery, ...current.info.recentDeliveries].slice(0, 50) } };
  });
}
