// Explains a signature verdict: the canonical string with each value labelled by its key, the key used, the diagnosis.

import type { Verdict } from '../../../shared/verdict.ts';
import type { SignField } from '../../../shared/sign-string.ts';
import { diffSignString } from '../../../shared/sign-string-diff.ts';
import { formatFingerprint } from '../lib/format.ts';
import { VerdictBadge } from './badges.tsx';
import { CopyButton } from './CopyButton.tsx';
import { SignDiffTable } from './SignDiffTable.tsx';

export function SignaturePanel(props: { verification: Verdict }) {
  const { verification } = props;
  const { diagnosis, key } = verification;
  return (
    <section class={`card signature signature-${verification.verdict}`} data-testid="signature-panel">
      <h3>Signature <VerdictBadge verdict={verification.verdict} /></h3>
      <p class="verdict-reason">{verification.reason}</p>
      {diagnosis && (
        <div class="diagnosis" data-testid="diagnosis" data-cause={diagnosis.cause}>
          <div class="label">Diagnosis</div>
          <p>{diagnosis.message}</p>
          {diagnosis.keyLabel && <p class="small">Verified with the key of <strong>{diagnosis.keyLabel}</strong>.</p>}
          {diagnosis.signedString && verification.fields.length > 0 && (
            <>
              <div class="label">What the sender signed, against what it should have signed</div>
              <SignDiffTable diff={diffSignString(verification.fields, diagnosis.signedString)} />
            </>
          )}
        </div>
      )}
      {verification.canonical !== null ? (
        <>
          <div class="label">Canonical string</div>
          <p class="muted small">The values of <code>result</code>, keys sorted by code point, amount with two decimals, joined by “;”. This is what the signature must cover.</p>
          <CanonicalString fields={verification.fields} />
          <div class="canonical-raw">
            <code data-testid="canonical-raw">{verification.canonical}</code>
            <CopyButton text={verification.canonical} />
          </div>
        </>
      ) : (
        <p class="muted">No canonical string: the body has no <code>result</code> object to sign.</p>
      )}
      <dl class="facts facts-stacked">
        <div><dt>Algorithm</dt><dd>RSA PKCS#1 v1.5 with SHA-256</dd></div>
        <div>
          <dt>Key</dt>
          <dd>{key ? <>{key.label} · fingerprint <code title={key.fingerprint}>{formatFingerprint(key.fingerprint)}</code></> : <span class="muted">none available</span>}</dd>
        </div>
      </dl>
    </section>
  );
}

/** The canonical string as labelled chips: each value under the key it came from. */
export function CanonicalString(props: { fields: SignField[] }) {
  const { fields } = props;
  return (
    <div class="canonical" data-testid="canonical">
      {fields.map((field, index) => (
        <span key={field.key} class="sf-wrap">
          <span class="sf" data-key={field.key}>
            <span class="sf-key">{field.key}</span>
            <span class="sf-value">{field.value === '' ? <span class="muted">(empty)</span> : field.value}</span>
          </span>
          {index < fields.length - 1 && <span class="sf-sep">;</span>}
        </span>
      ))}
    </div>
  );
}
