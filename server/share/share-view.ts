// What a teammate's read-only share link may see: captures (without the registered payment they match), the public
// callback URL and the tunnel; nothing else. A one-capture link sees that capture alone.

import type { CaptureDetail, CaptureListResponse, StatusResponse } from '../../shared/api.ts';
import type { CaptureListItem, DomainEvent } from '../../shared/events.ts';
import { HttpError } from '../http/http-error.ts';
import type { CaptureListQuery, InspectorModel } from '../inspector/inspector-model.ts';

export interface ShareView {
  status(): StatusResponse;
  listCaptures(query: CaptureListQuery): Promise<CaptureListResponse>;
  getCapture(id: string): Promise<CaptureDetail>;
}

/** The view of a link to every capture. */
export function buildShareView(model: InspectorModel): ShareView {
  return {
    status: () => readShareStatus(model),
    listCaptures: async (query) => {
      const page = await model.listCaptures(query);
      return { ...page, items: page.items.map(hidePrivate) };
    },
    getCapture: (id) => readShareDetail(model, id),
  };
}

/** The view of a one-capture link: its status, a list of that capture alone, and its detail; any other id is refused. */
export function buildCaptureShareView(model: InspectorModel, captureId: string): ShareView {
  return {
    status: () => {
      const status = readShareStatus(model);
      return { ...status, sharedCaptureId: captureId, counts: { ...status.counts, captures: 1 } };
    },
    listCaptures: async () => {
      const detail = await readShareDetail(model, captureId);
      const { bodyBase64: _body, headers: _headers, json: _json, deliveries: _deliveries, linkedPayment: _linked, ...rest } = detail;
      return { items: [hidePrivate({ ...rest, deliveryCount: 0, lastDeliveryStatus: null })], nextBefore: null, total: 1, channels: detail.channel === null ? [] : [detail.channel] };
    },
    getCapture: async (id) => {
      if (id !== captureId) throw new HttpError(403, 'out_of_scope', 'This link shows one capture only. Ask whoever shared it for a link to the other capture.');
      return readShareDetail(model, id);
    },
  };
}

function readShareStatus(model: InspectorModel): StatusResponse {
  const status = model.status();
  return {
    ...status,
    readOnly: true,
    urls: { inspector: null, ingress: status.urls.public ?? '', callback: status.urls.public ? status.urls.callback : '', emulator: null, public: status.urls.public },
    tunnelPassword: null,
    backend: { baseUrl: status.mode === 'sandbox' ? status.backend.baseUrl : '', keyLabel: status.backend.keyLabel, keyFingerprint: status.backend.keyFingerprint },
    forwardTo: null,
    counts: { captures: status.counts.captures, payments: 0, deliveries: 0 },
    store: { ...status.store, setAside: [] },
  };
}

async function readShareDetail(model: InspectorModel, id: string): Promise<CaptureDetail> {
  return { ...(await model.getCapture(id)), payment: null, deliveries: [], linkedPayment: null };
}

function hidePrivate(item: CaptureListItem): CaptureListItem {
  return { ...item, payment: null, deliveryCount: 0, lastDeliveryStatus: null };
}

/** The events a share link's stream carries: captures, deletions and the tunnel state. */
export function filterShareEvent(event: DomainEvent): DomainEvent | null {
  if (event.type === 'capture') return { ...event, capture: hidePrivate(event.capture) };
  if (event.type === 'capture-deleted' || event.type === 'tunnel') return event;
  return null;
}

/** The events a one-capture link's stream carries: the tunnel state only (other captures are not its business). */
export function filterCaptureShareEvent(event: DomainEvent): DomainEvent | null {
  return event.type === 'tunnel' ? event : null;
}
