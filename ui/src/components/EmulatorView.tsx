// The emulator tab: base URL and credentials for the developer's own app (secret only on click), and its deliveries.

import { useEffect, useState } from 'preact/hooks';
import { revealEmulatorSecret } from '../api/endpoints.ts';
import { formatFingerprint } from '../lib/format.ts';
import { emulatorStore, loadEmulator } from '../state/emulator-state.ts';
import { useStore } from '../state/store.ts';
import { CopyButton } from './CopyButton.tsx';
import { DeliveryList } from './DeliveryList.tsx';

export function EmulatorView() {
  const { info, loaded, error } = useStore(emulatorStore);
  const [secret, setSecret] = useState<string | null>(null);
  const [secretError, setSecretError] = useState<string | null>(null);
  useEffect(() => {
    if (!loaded) void loadEmulator();
  }, [loaded]);
  if (error) return <div class="single"><div class="panel-error" role="alert"><strong>The emulator details are unavailable.</strong><p>{error}</p></div></div>;
  if (!info) return <div class="single muted">Loading…</div>;

  const reveal = async () => {
    setSecretError(null);
    try {
      setSecret((await revealEmulatorSecret()).secretKey);
    } catch (failure) {
      setSecretError((failure as Error).message);
    }
  };
  const envLines = [
    `MIAPOS_BASE_URL=${info.baseUrl}`,
    `MIAPOS_MERCHANT_ID=${info.merchantId}`,
    `MIAPOS_TERMINAL_ID=${info.terminalId}`,
    `MIAPOS_SECRET_KEY=${secret ?? '<click Reveal>'}`,
  ].join('\n');

  return (
    <div class="split split-even">
      <section class="scroll-pane" aria-label="Emulator credentials">
        <div class="card">
          <h3>Point your app at the emulator</h3>
          <p class="muted small">It speaks the miaPOS e-commerce API offline: tokens, pay, request-to-pay, payment status, public key. Callbacks it sends to your app are listed here with your app’s answer.</p>
          <dl class="facts facts-stacked">
            <div><dt>Base URL</dt><dd><code>{info.baseUrl}</code> <CopyButton text={info.baseUrl} /></dd></div>
            <div><dt>merchantId</dt><dd><code>{info.merchantId}</code> <CopyButton text={info.merchantId} /></dd></div>
            <div><dt>terminalId (qr)</dt><dd><code>{info.terminalId}</code> <CopyButton text={info.terminalId} /></dd></div>
            <div><dt>terminalId (rtp)</dt><dd><code>{info.rtpTerminalId}</code> <CopyButton text={info.rtpTerminalId} /></dd></div>
            <div>
              <dt>secretKey</dt>
              <dd>
                {secret ? <><code data-testid="secret">{secret}</code> <CopyButton text={secret} /> <button type="button" class="btn btn-small" onClick={() => setSecret(null)}>Hide</button></>
                  : <button type="button" class="btn btn-small" onClick={reveal}>Reveal</button>}
                {secretError && <span class="inline-error small"> {secretError}</span>}
              </dd>
            </div>
            <div><dt>Key fingerprint</dt><dd><code title={info.fingerprint}>{formatFingerprint(info.fingerprint, true)}</code></dd></div>
          </dl>
          <div class="label">As environment variables</div>
          <pre class="code code-small">{envLines}</pre>
          <CopyButton text={envLines} label="Copy .env lines" />
        </div>
        <div class="card">
          <h3>Public key <span class="muted small">base64 DER SubjectPublicKeyInfo, as GET /ecomm/api/v1/public-key answers</span></h3>
          <pre class="code code-small code-wrap">{info.publicKey}</pre>
          <CopyButton text={info.publicKey} />
        </div>
      </section>
      <section class="scroll-pane" aria-label="Emulator deliveries">
        <DeliveryList deliveries={info.recentDeliveries} title="Callbacks the emulator sent"
          emptyText="None yet. Each payment that reaches a final status sends one callback, once, like miaPOS." />
      </section>
    </div>
  );
}
