// Read-only share links, wired: their tokens, their filtered event streams, and their routes on the ingress.

import type { ShareResponse } from '../../shared/api.ts';
import type { EventBus } from '../events/event-bus.ts';
import { HttpError } from '../http/http-error.ts';
import type { InspectorModel } from '../inspector/inspector-model.ts';
import { createWsHub } from '../inspector/ws-hub.ts';
import { createShareRoutes, type ShareRoutes } from './share-routes.ts';
import { createShareTokens } from './share-tokens.ts';
import { buildCaptureShareView, buildShareView, filterCaptureShareEvent, filterShareEvent } from './share-view.ts';

const DEFAULT_TTL_SECONDS = 2 * 3600;

export interface Sharing {
  /** Issues a link under the current public URL (`ttlSeconds` default 2 h) to every capture, or to `captureId` alone. */
  create(ttlSeconds: unknown, captureId?: string): Promise<ShareResponse>;
  /** Invalidates every link and closes their open streams. */
  revokeAll(): void;
  /** The /share routes of the ingress, showing what `model` shows, read-only. */
  createRoutes(model: InspectorModel): ShareRoutes;
  close(): void;
}

export interface SharingDeps {
  bus: EventBus;
  instanceId: string;
  uiDir: string;
  publicBase: () => string;
  /** The tunnel password a browser opening the link will be asked for (null: none). */
  tunnelPassword: () => Promise<string | null>;
  log: (line: string) => void;
}

export function createSharing(deps: SharingDeps): Sharing {
  const tokens = createShareTokens();
  const hub = createWsHub({ bus: deps.bus, instanceId: deps.instanceId, readOnly: true, filter: filterShareEvent, log: deps.log });
  const captureHub = createWsHub({ bus: deps.bus, instanceId: deps.instanceId, readOnly: true, filter: filterCaptureShareEvent, log: deps.log });
  return {
    async create(ttlSeconds, captureId) {
      let issued;
      try {
        issued = await tokens.issue(ttlSeconds === undefined ? DEFAULT_TTL_SECONDS : Number(ttlSeconds), captureId);
      } catch (error) {
        throw new HttpError(400, 'bad_ttl', (error as Error).message);
      }
      return { url: `${deps.publicBase()}/share/${issued.token}/`, expiresAt: issued.expiresAt.toISOString(), tunnelPassword: await deps.tunnelPassword() };
    },
    revokeAll() {
      tokens.revokeAll();
      hub.disconnectAll();
      captureHub.disconnectAll();
    },
    createRoutes: (model) => createShareRoutes({
      tokens,
      viewFor: (grant) => (grant.captureId === null ? buildShareView(model) : buildCaptureShareView(model, grant.captureId)),
      hubFor: (grant) => (grant.captureId === null ? hub : captureHub),
      uiDir: deps.uiDir,
    }),
    close: () => {
      hub.close();
      captureHub.close();
    },
  };
}
