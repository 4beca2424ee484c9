// Creates a read-only share link for a teammate (needs the tunnel's public URL), shows the tunnel password their browser
// will ask for, and revokes every link at once.

import { useState } from 'preact/hooks';
import type { ShareResponse } from '../../../shared/api.ts';
import type { TunnelState } from '../../../shared/events.ts';
import { createShare, revokeShares } from '../api/endpoints.ts';
import { formatDateTime } from '../lib/format.ts';
import { showToast, statusStore } from '../state/app-state.ts';
import { useStore } from '../state/store.ts';
import { CopyButton } from './CopyButton.tsx';

const DURATIONS = [
  { seconds: 3_600, label: '1 hour' },
  { seconds: 7_200, label: '2 hours' },
  { seconds: 86_400, label: '1 day' },
];

export function SharePanel(props: { tunnel: TunnelState; onClose: () => void }) {
  const [ttl, setTtl] = useState(7_200);
  const [link, setLink] = useState<ShareResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { status } = useStore(statusStore);
  const password = link?.tunnelPassword ?? status?.tunnelPassword ?? null;
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="popover" role="dialog" aria-label="Share a read-only view">
      <div class="popover-head">
        <strong>Share a read-only view</strong>
        <button type="button" class="btn-icon" aria-label="Close" onClick={props.onClose}>×</button>
      </div>
      <p class="muted small">
        A teammate sees the captures live (not your payments, replays or settings) and cannot replay, delete or create anything.
        {props.tunnel.state !== 'online' && ' The link lives on the public tunnel URL, so the tunnel must be online.'}
      </p>
      <div class="row">
        <label class="field-inline">Valid for
          <select value={ttl} onChange={(event) => setTtl(Number(event.currentTarget.value))}>
            {DURATIONS.map((item) => <option key={item.seconds} value={item.seconds}>{item.label}</option>)}
          </select>
        </label>
        <button type="button" class="btn btn-primary" disabled={busy} onClick={() => run(async () => setLink(await createShare(ttl)))}>Create link</button>
      </div>
      {link && (
        <div class="share-link">
          <code>{link.url}</code>
          <CopyButton text={link.url} />
          <div class="muted small">Expires {formatDateTime(link.expiresAt)}</div>
        </div>
      )}
      {password && <TunnelPassword password={password} />}
      {error && <div class="inline-error">{error}</div>}
      <div class="popover-foot">
        <button type="button" class="btn btn-danger-quiet" disabled={busy}
          onClick={() => run(async () => {
            await revokeShares();
            setLink(null);
            showToast('info', 'Every share link is revoked.');
          })}>Revoke all links</button>
      </div>
    </div>
  );
}

/** The password the public localtunnel server's reminder page asks a browser for, and what the teammate will see. */
export function TunnelPassword(props: { password: string }) {
  return (
    <div class="tunnel-password" data-tunnel-password={props.password}>
      <div class="share-link">
        <span>Tunnel password</span>
        <code>{props.password}</code>
        <CopyButton text={props.password} label="Copy password" />
      </div>
      <p class="muted small">
        Send it with the link: opening it in a browser, your teammate first sees the tunnel server&rsquo;s reminder page and types this password (your public IP address) once; <code>miahook tail</code> and callbacks need none.
      </p>
    </div>
  );
}
