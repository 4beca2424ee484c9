// Links the emulator's callback deliveries to the captures they became: when the emulator delivers to our own
// ingress, the capture and the delivery record point at each other, so the inspector shows one callback, not two.

import type { CaptureInfo, Delivery } from '../../shared/records.ts';
import type { DeliveryStartInfo, EmulatorDelivery } from '../emulator/index.ts';
import { createDeliveryMatcher } from './emulator-delivery-matcher.ts';

export interface DeliveryLinks {
  /** For the emulator: remember each delivery's bytes as it starts; store its record (linked) when it ends. */
  onDeliveryStart(info: DeliveryStartInfo): void;
  onDelivery(delivery: EmulatorDelivery): void;
  /** For the capture recorder: the emulator delivery that sent these exact bytes, if one is in flight. */
  matchDelivery(body: Buffer): string | undefined;
  /** For the capture recorder: a stored capture that came from an emulator delivery. */
  noteCapture(capture: CaptureInfo): void;
}

export function createDeliveryLinks(deps: {
  appendDelivery: (draft: Omit<Delivery, 'seq'>) => Promise<Delivery>;
  onStored: (delivery: Delivery) => void;
  log: (line: string) => void;
}): DeliveryLinks {
  const matcher = createDeliveryMatcher();
  /** Emulator delivery id -> the capture it became, until the delivery's outcome is stored. */
  const capturedBy = new Map<string, string>();
  return {
    onDeliveryStart: (info) => matcher.remember(info.id, info.body),
    onDelivery(delivery) {
      const captureId = capturedBy.get(delivery.id);
      capturedBy.delete(delivery.id);
      deps.appendDelivery(captureId ? { ...delivery, captureId } : delivery).then(deps.onStored, (error: Error) => deps.log(`could not store an emulator delivery: ${error.message}`));
    },
    matchDelivery: (body) => matcher.match(body),
    noteCapture(capture) {
      if (capture.emulatorDeliveryId) capturedBy.set(capture.emulatorDeliveryId, capture.id);
    },
  };
}
