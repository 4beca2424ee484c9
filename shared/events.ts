// Domain events the server emits and the WebSocket streams to the inspector, as typed messages.

import type { CaptureInfo, Delivery, PaymentRecord } from './records.ts';

export type TunnelState =
  | { state: 'off' }
  | { state: 'connecting'; attempt: number }
  | { state: 'online'; publicUrl: string }
  | { state: 'reconnecting'; attempt: number; reason: string; lastUrl?: string }
  | { state: 'failed'; reason: string }
  /** --public-url: the user's own tunnel does not lead here right now (callbacks still go to it). */
  | { state: 'offline'; publicUrl: string; reason: string };

/** A capture as listed (the body and headers stay on the server until the detail is opened). */
export type CaptureListItem = CaptureInfo & { deliveryCount: number; lastDeliveryStatus: number | null };

export type DomainEvent =
  | { type: 'capture'; capture: CaptureListItem }
  | { type: 'capture-deleted'; ids: string[] | 'all' }
  | { type: 'delivery'; delivery: Delivery }
  | { type: 'payment'; payment: PaymentRecord }
  | { type: 'tunnel'; tunnel: TunnelState }
  | { type: 'notice'; level: 'info' | 'warn'; message: string };

/** What the WebSocket sends: a domain event with its stream position, or stream control. */
export type ServerMessage =
  | ({ eventId: number } & DomainEvent)
  | { type: 'hello'; instanceId: string; lastEventId: number; readOnly: boolean }
  | { type: 'resync'; reason: string };

/** What a client may send: where it left off. */
export type ClientMessage = { type: 'resume'; instanceId: string; lastEventId: number };
