// Read-only share links, wired: their tokens, their filtered event stream, and their routes on the ingress.

import type { ShareResponse } from '../../shared/api.ts';
import type { EventBus } from '../events/event-bus.ts';
import { HttpError } from '../http/http-error.ts';
import type { InspectorModel } from '../inspector/inspector-model.ts';
import { createWsHub } from '../inspector/ws-hub.ts';
import { createShareRoutes, type ShareRoutes } from './share-routes.ts';
import { createShareTokens } from './share-tokens.ts';
import { buildShareView, filterShareEvent } from './share-view.ts';

const DEFAULT_TTL_SECONDS = 2 * 3600;

export interface Sharing {
  /** Issues a link under the current public URL (`ttlSeconds` default 2 h). */
  create(ttlSeconds: unknown): Promise<ShareResponse>;
  /** Invalidates every link and closes their open streams. */
  revokeAll(): void;
  /** The /share routes of the ingress, showing what `model` shows, read-only. */
  createRoutes(model: InspectorModel): ShareRoutes;
  close(): void;
}

export function createSharing(deps: { bus: EventBus; instanceId: string; uiDir: string; publicBase: () => string; log: (line: string) => void }): Sharing {
  const tokens = createShareTokens();
  const hub = createWsHub({ bus: deps.bus, instanceId: deps.instanceId, readOnly: true, filter: filterShareEvent, log: deps.log });
  return {
    async create(ttlSeconds) {
      try {
        const issued = await tokens.issue(ttlSeconds === undefined ? DEFAULT_TTL_SECONDS : Number(ttlSeconds));
        return { url: `${deps.publicBase()}/share/${issued.token}/`, expiresAt: issued.expiresAt.toISOString() };
      } catch (error) {
        throw new HttpError(400, 'bad_ttl', (error as Error).message);
      }
    },
    revokeAll() {
      tokens.revokeAll();
      hub.disconnectAll();
    },
    createRoutes: (model) => createShareRoutes({ tokens, view: buildShareView(model), hub, uiDir: deps.uiDir }),
    close: () => hub.close(),
  };
}
