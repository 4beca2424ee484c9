// Replays a capture to the developer's app: same bytes by default, or an edited body, or a handler-test preset.

import { useMemo, useState } from 'preact/hooks';
import type { CaptureDetail, PresetName, ReplayRequest } from '../../../shared/api.ts';
import type { Delivery } from '../../../shared/records.ts';
import { parseRawJson } from '../../../shared/raw-json.ts';
import { replayCapture } from '../api/endpoints.ts';
import { decodeText, encodeBase64Text, isPrintable, decodeBase64 } from '../lib/bytes.ts';
import { buildCurlCommand } from '../lib/curl.ts';
import { statusStore } from '../state/app-state.ts';
import { applyDeliveryToDetail } from '../state/detail-state.ts';
import { useStore } from '../state/store.ts';
import { CopyButton } from './CopyButton.tsx';
import { DeliveryItem } from './DeliveryItem.tsx';

interface Preset {
  name: PresetName;
  label: string;
  title: string;
  /** Needs the emulator key to re-sign. */
  resigned: boolean;
}

const PRESETS: Preset[] = [
  { name: 'duplicate', label: 'Duplicate', title: 'The same callback again: a handler must apply each paymentId + status once.', resigned: false },
  { name: 'tampered-amount', label: 'Tampered amount', title: 'Another amount, signature left as it was: a handler must reject it.', resigned: false },
  { name: 'status-downgrade', label: 'Status downgrade', title: 'A genuine-looking FAILED after SUCCESS (re-signed): never downgrade a final status.', resigned: true },
  { name: 'extra-field', label: 'Extra field', title: 'An unknown field in result (re-signed): a handler that hard-codes fields fails.', resigned: true },
  { name: 'amount-no-decimals', label: 'Amount without decimals', title: '"amount": 1775 in the JSON (re-signed): the sign string still needs 1775.00.', resigned: true },
];

/** The target last typed, kept while the page lives so moving to another capture keeps it. */
let lastTarget = '';

export function ReplayPanel(props: { detail: CaptureDetail }) {
  const { detail } = props;
  const { status } = useStore(statusStore);
  const emulator = status?.mode === 'emulator';
  const original = useMemo(() => (isPrintable(decodeBase64(detail.bodyBase64)) ? decodeText(detail.bodyBase64) : null), [detail.bodyBase64]);
  const [target, setTargetState] = useState(lastTarget || status?.forwardTo || '');
  const setTarget = (value: string) => {
    lastTarget = value;
    setTargetState(value);
  };
  const [body, setBody] = useState(original ?? '');
  const [resign, setResign] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<Delivery | null>(null);
  const [error, setError] = useState<string | null>(null);

  const edited = original !== null && body !== original;
  const jsonError = useMemo(() => {
    if (!edited) return null;
    try {
      parseRawJson(body);
      return null;
    } catch (failure) {
      return (failure as Error).message;
    }
  }, [body, edited]);

  const send = async (label: string, request: ReplayRequest) => {
    setBusy(label);
    setError(null);
    try {
      const delivery = await replayCapture(detail.id, { ...(target.trim() ? { target: target.trim() } : {}), ...request });
      setResult(delivery);
      applyDeliveryToDetail(delivery);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const curlTarget = target.trim() || status?.forwardTo || 'http://localhost:3000/callback';
  const curlBody = edited ? encodeBase64Text(body) : detail.bodyBase64;
  return (
    <section class="card replay" data-testid="replay-panel">
      <h3>Replay to your app</h3>
      <div class="row">
        <label class="field grow">
          <span>Target</span>
          <input type="url" value={target} placeholder={status?.forwardTo ?? 'the app URL given with --forward-to'} onInput={(event) => setTarget(event.currentTarget.value)} />
        </label>
      </div>
      {original === null ? <p class="muted small">The body is binary: it is replayed as stored, without editing.</p> : (
        <label class="field">
          <span>Body {edited ? <span class="chip chip-wait">edited</span> : <span class="muted">(the stored bytes)</span>}</span>
          <textarea class={`mono ${jsonError ? 'invalid' : ''}`} rows={6} spellcheck={false} value={body} onInput={(event) => setBody(event.currentTarget.value)} aria-label="Replay body" />
          {jsonError && <span class="inline-error small">Not valid JSON: {jsonError}. It can still be sent, to test how your handler copes.</span>}
          {edited && !resign && <span class="note small">An edited body keeps the old signature, so it no longer verifies: a correct handler must reject it.</span>}
        </label>
      )}
      <div class="row">
        <button type="button" class="btn btn-primary" disabled={busy !== null} onClick={() => send('replay', edited ? { body, ...(resign ? { resign: true } : {}) } : {})}>
          {busy === 'replay' ? 'Sending…' : edited ? 'Send edited' : 'Replay'}
        </button>
        {emulator && (
          <label class="check" title="Sign the edited result with the emulator key, so it looks genuine">
            <input type="checkbox" checked={resign} onChange={(event) => setResign(event.currentTarget.checked)} /> Re-sign with the emulator key
          </label>
        )}
        {edited && <button type="button" class="btn btn-small" onClick={() => setBody(original ?? '')}>Reset body</button>}
        <span class="topbar-spacer" />
        <CopyButton text={buildCurlCommand({ method: detail.method, url: curlTarget, headers: detail.headers, bodyBase64: curlBody })} label="Copy as curl"
          title={`A curl command sending ${edited ? 'the edited' : 'these exact'} bytes to ${curlTarget}`} />
      </div>
      <div class="presets">
        <span class="label">Handler tests</span>
        {PRESETS.map((preset) => (
          <button key={preset.name} type="button" class="btn btn-small" disabled={busy !== null || (preset.resigned && !emulator)}
            title={preset.resigned && !emulator ? `${preset.title} Needs the emulator key, so emulator mode only.` : preset.title}
            onClick={() => send(preset.name, { preset: preset.name })}>
            {busy === preset.name ? 'Sending…' : preset.label}
          </button>
        ))}
      </div>
      {error && <div class="inline-error" role="alert">{error}</div>}
      {result && (
        <div class="replay-result">
          <div class="label">Result</div>
          <ul class="deliveries"><DeliveryItem delivery={result} /></ul>
        </div>
      )}
    </section>
  );
}
