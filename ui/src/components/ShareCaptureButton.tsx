// "Share this capture": makes a read-only link to the open capture alone, copies it, and shows it with the tunnel password.

import { useState } from 'preact/hooks';
import type { ShareResponse } from '../../../shared/api.ts';
import { createCaptureShare } from '../api/endpoints.ts';
import { copyText } from '../lib/download.ts';
import { formatDateTime } from '../lib/format.ts';
import { showError, showToast } from '../state/app-state.ts';
import { CopyButton } from './CopyButton.tsx';
import { TunnelPassword } from './SharePanel.tsx';

export function ShareCaptureButton(props: { captureId: string }) {
  const [link, setLink] = useState<ShareResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const share = async () => {
    setBusy(true);
    try {
      const made = await createCaptureShare(props.captureId);
      setLink(made);
      await copyText(made.url).then(() => showToast('info', 'Link to this capture copied.'), () => {});
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="btn btn-small" disabled={busy} onClick={share}
        title="Copy a read-only link that shows this capture alone (expires in 2 hours; Share > Revoke all links ends it)">Share this capture</button>
      {link && (
        <div class="popover capture-share" role="dialog" aria-label="Link to this capture">
          <div class="popover-head">
            <strong>Link to this capture</strong>
            <button type="button" class="btn-icon" aria-label="Close" onClick={() => setLink(null)}>×</button>
          </div>
          <div class="share-link">
            <code data-capture-link>{link.url}</code>
            <CopyButton text={link.url} />
          </div>
          <p class="muted small">Shows this capture alone, read-only, with its signature check. Expires {formatDateTime(link.expiresAt)}.</p>
          {link.tunnelPassword && <TunnelPassword password={link.tunnelPassword} />}
        </div>
      )}
    </>
  );
}
