// Shows a field-by-field sign string comparison: each expected key, the right value, the other value, what is wrong.

import type { SignStringDiff } from '../../../shared/sign-string-diff.ts';

const KIND_TEXT = { same: 'same', changed: 'differs', missing: 'missing', extra: 'extra' } as const;

export function SignDiffTable(props: { diff: SignStringDiff; gotLabel?: string }) {
  const { diff } = props;
  return (
    <div class="sign-diff" data-equal={diff.equal}>
      {diff.notes.map((note) => <p key={note} class="note">{note}</p>)}
      <table class="table table-compact">
        <thead>
          <tr><th>Key</th><th>Expected</th><th>{props.gotLabel ?? 'Signed'}</th><th /></tr>
        </thead>
        <tbody>
          {diff.rows.map((row, index) => (
            <tr key={index} class={`diff-${row.kind}`}>
              <td><code>{row.key ?? '—'}</code></td>
              <td><code>{row.expected ?? ''}</code></td>
              <td><code>{row.got ?? ''}</code></td>
              <td class="diff-note"><span class={`diff-kind diff-kind-${row.kind}`}>{KIND_TEXT[row.kind]}</span> {row.hint}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
