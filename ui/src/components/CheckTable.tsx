// The go-live check's table, as the CLI prints it: case, expected, got, verdict, and the hint under each row that has
// one; a row whose request came through the live stream opens to show the exact request and the handler's answer.

import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { CheckCase, CheckVerdict } from '../../../shared/check-report.ts';
import type { Delivery } from '../../../shared/records.ts';
import { GROUP_LABEL, VERDICT_LABEL, VERDICT_TITLE } from '../lib/check-text.ts';
import { DeliveryExchange } from './DeliveryItem.tsx';

const VERDICT_TONE: Record<CheckVerdict, string> = { pass: 'good', fail: 'bad', warn: 'wait', question: 'neutral', skip: 'muted' };
const COLUMNS = 5;

export function CheckVerdictChip(props: { verdict: CheckVerdict }) {
  return (
    <span class={`chip chip-${VERDICT_TONE[props.verdict]} check-verdict`} data-verdict={props.verdict} title={VERDICT_TITLE[props.verdict]}>
      {VERDICT_LABEL[props.verdict]}
    </span>
  );
}

export function CheckTable(props: { cases: CheckCase[]; deliveries: Record<string, Delivery> }) {
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <table class="table check-table" data-testid="check-table">
      <thead>
        <tr><th>case</th><th>expected</th><th>got</th><th>verdict</th><th><span class="visually-hidden">request</span></th></tr>
      </thead>
      <tbody>
        {props.cases.map((item, index) => {
          const delivery = item.deliveryId ? props.deliveries[item.deliveryId] : undefined;
          const open = openId === item.id && delivery !== undefined;
          const firstOfGroup = index === 0 || props.cases[index - 1]!.group !== item.group;
          return (
            <Fragment key={item.id}>
              {firstOfGroup && <tr class="check-group"><th colSpan={COLUMNS} scope="colgroup">{GROUP_LABEL[item.group] ?? item.group}</th></tr>}
              <tr class={`check-row check-row-${item.verdict}`} data-case={item.id} data-verdict={item.verdict}>
                <td>
                  <div class="check-name">{item.name}{!item.required && <span class="muted small" title="A failure here does not fail the check"> (advice)</span>}</div>
                  <div class="muted small">{item.sent}</div>
                </td>
                <td class="check-expected">{item.expected}</td>
                <td class="check-got"><code>{item.got}</code></td>
                <td><CheckVerdictChip verdict={item.verdict} /></td>
                <td class="check-open">
                  {delivery && (
                    <button type="button" class="link small" aria-expanded={open} onClick={() => setOpenId(open ? null : item.id)}
                      title="The request miahook sent and your handler's answer">{open ? 'Hide' : 'Exchange'}</button>
                  )}
                </td>
              </tr>
              {item.hint && (
                <tr class={`check-hint check-hint-${item.verdict}`} data-hint-for={item.id}>
                  <td colSpan={COLUMNS}><span aria-hidden="true">→ </span>{item.hint}</td>
                </tr>
              )}
              {open && delivery && <tr class="check-exchange"><td colSpan={COLUMNS}><DeliveryExchange delivery={delivery} /></td></tr>}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
