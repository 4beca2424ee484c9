// A paste box: the developer pastes the sign string their code built and sees, field by field, where it differs.

import { useMemo, useState } from 'preact/hooks';
import type { SignField } from '../../../shared/sign-string.ts';
import { diffSignString } from '../../../shared/sign-string-diff.ts';
import { SignDiffTable } from './SignDiffTable.tsx';

export function SignStringCompare(props: { fields: SignField[] }) {
  const [text, setText] = useState('');
  const diff = useMemo(() => (text ? diffSignString(props.fields, text) : null), [text, props.fields]);
  if (props.fields.length === 0) return null;
  const differences = diff ? diff.rows.filter((row) => row.kind !== 'same').length : 0;
  return (
    <section class="card">
      <h3>Compare your sign string</h3>
      <p class="muted small">Paste the string your own code builds before verifying (log it once). Each value is checked against the right one.</p>
      <textarea class="mono" rows={2} spellcheck={false} placeholder="1775.00;MDL;108;2024-12-17T11:54:23;…" value={text} aria-label="Your sign string"
        onInput={(event) => setText(event.currentTarget.value)} />
      {diff && (
        <>
          <p class={diff.equal ? 'ok-line' : 'bad-line'} data-testid="compare-result">
            {diff.equal ? 'Identical to the canonical string: your code builds it right.' : `${differences} difference${differences === 1 ? '' : 's'} from the canonical string.`}
          </p>
          {!diff.equal && <SignDiffTable diff={diff} gotLabel="Yours" />}
        </>
      )}
    </section>
  );
}
