// What a teammate's read-only share link may see: captures (without the registered payment they match), the public
// callback URL and the tunnel; nothing else.

import type { StatusResponse } from '../../shared/api.ts';
import type { DomainEvent } from '../../shared/events.ts';
import type { InspectorModel } from '../inspector/inspector-model.ts';
import type { ShareView } from './share-routes.ts';

export function buildShareView(model: InspectorModel): ShareView {
  return {
    status(): StatusResponse {
      const status = model.status();
      return {
        ...status,
        readOnly: true,
        urls: { inspector: null, ingress: status.urls.public ?? '', callback: status.urls.public ? status.urls.callback : '', emulator: null, public: status.urls.public },
        backend: { baseUrl: status.mode === 'sandbox' ? status.backend.baseUrl : '', keyLabel: status.backend.keyLabel, keyFingerprint: status.backend.keyFingerprint },
        forwardTo: null,
        counts: { captures: status.counts.captures, payments: 0, deliveries: 0 },
        store: { ...status.store, setAside: [] },
      };
    },
    listCaptures: async (query) => {
      const page = await model.listCaptures(query);
      return { ...page, items: page.items.map((item) => ({ ...item, payment: null, deliveryCount: 0, lastDeliveryStatus: null })) };
    },
    getCapture: async (id) => ({ ...(await model.getCapture(id)), payment: null, deliveries: [], linkedPayment: null }),
  };
}

/** The events a share link's stream carries: captures, deletions and the tunnel state. */
export function filterShareEvent(event: DomainEvent): DomainEvent | null {
  if (event.type === 'capture') return { ...event, capture: { ...event.capture, payment: null, deliveryCount: 0, lastDeliveryStatus: null } };
  if (event.type === 'capture-deleted' || event.type === 'tunnel') return event;
  return null;
}
