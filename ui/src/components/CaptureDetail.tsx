// The open capture: request line and actions, signature explanation, body, headers, linked payment, replays.

import type { CaptureDetail as Detail } from '../../../shared/api.ts';
import { deleteCapture } from '../api/endpoints.ts';
import { buildCurlCommand } from '../lib/curl.ts';
import { formatBytes, formatDateTime } from '../lib/format.ts';
import { showError, statusStore, viewStore } from '../state/app-state.ts';
import { openCapture } from '../state/captures-state.ts';
import { detailStore } from '../state/detail-state.ts';
import { useStore } from '../state/store.ts';
import { StatusChip, VerdictBadge } from './badges.tsx';
import { BodyView } from './BodyView.tsx';
import { CopyButton } from './CopyButton.tsx';
import { DeliveryList } from './DeliveryList.tsx';
import { HeadersTable } from './HeadersTable.tsx';
import { LinkedPayment } from './LinkedPayment.tsx';
import { ReplayPanel } from './ReplayPanel.tsx';
import { ShareCaptureButton } from './ShareCaptureButton.tsx';
import { SignaturePanel } from './SignaturePanel.tsx';
import { SignStringCompare } from './SignStringCompare.tsx';

export function CaptureDetail() {
  const { id, detail, loading, error } = useStore(detailStore);
  const { readOnly } = useStore(viewStore);
  if (!id) return <DetailPlaceholder />;
  if (error) {
    return (
      <div class="panel-error" role="alert">
        <strong>Could not open this capture.</strong>
        <p>{error}</p>
      </div>
    );
  }
  if (!detail) return <div class="detail-loading muted">{loading ? 'Loading…' : ''}</div>;
  return (
    <article class="detail" data-capture={detail.id} key={detail.id}>
      <DetailHead detail={detail} readOnly={readOnly} />
      <SignaturePanel verification={detail.verification} />
      <SignStringCompare fields={detail.verification.fields} key={`compare-${detail.id}`} />
      <LinkedPayment detail={detail} readOnly={readOnly} />
      <BodyView bodyBase64={detail.bodyBase64} note={detail.jsonNote} key={`body-${detail.id}`} />
      <HeadersTable headers={detail.headers} />
      {!readOnly && <ReplayPanel detail={detail} key={`replay-${detail.id}`} />}
      {!readOnly && <DeliveryList deliveries={detail.deliveries} />}
    </article>
  );
}

function DetailHead(props: { detail: Detail; readOnly: boolean }) {
  const { detail } = props;
  const { status } = useStore(statusStore);
  const curlTarget = status?.forwardTo ?? `${status?.urls.ingress || 'http://localhost:3000'}${detail.url}`;
  const remove = async () => {
    try {
      await deleteCapture(detail.id);
      openCapture(null);
    } catch (error) {
      showError(error);
    }
  };
  return (
    <header class="detail-head">
      <div class="detail-title">
        <span class="method">{detail.method}</span>
        <code class="detail-url">{detail.url}</code>
        <StatusChip status={detail.summary.status} />
        <VerdictBadge verdict={detail.verification.verdict} />
        <div class="topbar-spacer" />
        <CopyButton text={buildCurlCommand({ method: detail.method, url: curlTarget, headers: detail.headers, bodyBase64: detail.bodyBase64 })}
          label="Copy as curl" title={`A curl command sending these exact bytes to ${curlTarget}`} />
        {!props.readOnly && <ShareCaptureButton captureId={detail.id} />}
        {!props.readOnly && <button type="button" class="btn btn-small btn-danger-quiet" onClick={remove}>Delete</button>}
        <button type="button" class="btn-icon" aria-label="Close" title="Close (Esc)" onClick={() => openCapture(null)}>×</button>
      </div>
      <dl class="facts">
        <div><dt>Received</dt><dd>{formatDateTime(detail.receivedAt)}</dd></div>
        <div><dt>Channel</dt><dd>{detail.channel ?? 'default'}</dd></div>
        <div><dt>From</dt><dd title={`TCP peer ${detail.remoteAddress}`}>{detail.sender}</dd></div>
        <div><dt>Size</dt><dd>{formatBytes(detail.size)}</dd></div>
        <div><dt>Id</dt><dd><code>{detail.id}</code></dd></div>
        {detail.emulatorDeliveryId && <div><dt>Sent by</dt><dd>the built-in emulator</dd></div>}
        {detail.importedFrom && <div><dt>Imported from</dt><dd>{detail.importedFrom}</dd></div>}
      </dl>
    </header>
  );
}

function DetailPlaceholder() {
  return (
    <div class="detail-placeholder">
      <p>Select a capture to see its body, headers and what its signature says.</p>
      <p class="muted small"><kbd>↑</kbd> <kbd>↓</kbd> move through the list · <kbd>Enter</kbd> opens · <kbd>Esc</kbd> closes</p>
    </div>
  );
}
