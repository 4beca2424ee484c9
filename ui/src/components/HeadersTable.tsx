// Request headers exactly as received: original name case, original order, repeated names kept.

import type { HeaderPair } from '../../../shared/records.ts';

export function HeadersTable(props: { headers: HeaderPair[]; title?: string }) {
  return (
    <section class="card">
      <h3>{props.title ?? 'Headers'} <span class="muted small">{props.headers.length}, in received order</span></h3>
      <table class="table table-compact headers">
        <tbody>
          {props.headers.map(([name, value], index) => (
            <tr key={index}>
              <th scope="row">{name}</th>
              <td><code>{value}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
