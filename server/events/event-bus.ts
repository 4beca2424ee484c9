// The in-process bus of domain events: capture, delivery, payment, tunnel, notice. Listeners never see transport types.

import type { DomainEvent } from '../../shared/events.ts';

export type EventListener = (event: DomainEvent) => void;

export interface EventBus {
  emit(event: DomainEvent): void;
  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
}

/** A synchronous bus; a throwing listener is reported and does not stop the others. */
export function createEventBus(onListenerError: (error: unknown) => void = () => {}): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
