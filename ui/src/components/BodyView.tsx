// The request body: pretty JSON (number literals kept as written), the raw text as received, or a hex dump.

import { useMemo, useState } from 'preact/hooks';
import { parseRawJson, type RawJson } from '../../../shared/raw-json.ts';
import { decodeBase64, formatHexDump, isPrintable } from '../lib/bytes.ts';
import { formatBytes } from '../lib/format.ts';
import { CopyButton } from './CopyButton.tsx';
import { JsonView } from './JsonView.tsx';

type Mode = 'pretty' | 'raw' | 'hex';
const PRETTY_LIMIT = 256 * 1024;

/** `note`: the server's reason to show a JSON body as text (too deep or too big for a tree), shown instead of the tree. */
export function BodyView(props: { bodyBase64: string; title?: string; note?: string | null }) {
  const decoded = useMemo(() => readBody(props.bodyBase64, Boolean(props.note)), [props.bodyBase64, props.note]);
  const [mode, setMode] = useState<Mode>(decoded.json ? 'pretty' : decoded.printable ? 'raw' : 'hex');
  const modes: Mode[] = decoded.json ? ['pretty', 'raw', 'hex'] : decoded.printable ? ['raw', 'hex'] : ['hex'];
  return (
    <section class="card">
      <h3>
        {props.title ?? 'Body'} <span class="muted small">{formatBytes(decoded.bytes.length)}{decoded.jsonError ? ` · not JSON: ${decoded.jsonError}` : ''}</span>
        <span class="topbar-spacer" />
        <span class="segmented" role="tablist" aria-label="Body view">
          {modes.map((item) => (
            <button key={item} type="button" role="tab" aria-selected={mode === item} class={mode === item ? 'seg-active' : ''} onClick={() => setMode(item)}>
              {item === 'pretty' ? 'JSON' : item === 'raw' ? 'Raw bytes' : 'Hex'}
            </button>
          ))}
        </span>
        {decoded.printable && <CopyButton text={decoded.text} label="Copy raw" />}
      </h3>
      {props.note && <p class="muted small" data-testid="body-note">{props.note}</p>}
      {decoded.bytes.length === 0 ? <p class="muted">Empty body.</p>
        : mode === 'pretty' && decoded.json ? <JsonView value={decoded.json} />
        : mode === 'raw' ? <pre class="code code-raw" data-testid="raw-body">{decoded.text}</pre>
        : <pre class="code">{formatHexDump(decoded.bytes)}</pre>}
    </section>
  );
}

function readBody(bodyBase64: string, asText: boolean): { bytes: Uint8Array; text: string; printable: boolean; json: RawJson | null; jsonError: string | null } {
  const bytes = decodeBase64(bodyBase64);
  const printable = isPrintable(bytes);
  const text = printable ? new TextDecoder().decode(bytes) : '';
  if (asText || !printable || bytes.length === 0 || bytes.length > PRETTY_LIMIT) return { bytes, text, printable, json: null, jsonError: null };
  try {
    return { bytes, text, printable, json: parseRawJson(text), jsonError: null };
  } catch (error) {
    return { bytes, text, printable, json: null, jsonError: (error as Error).message };
  }
}
