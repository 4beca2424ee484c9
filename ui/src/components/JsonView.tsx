// Pretty-prints a RawJson tree with colours, keeping keys in received order and numbers exactly as written.

import type { ComponentChildren } from 'preact';
import type { RawJson } from '../../../shared/raw-json.ts';

export function JsonView(props: { value: RawJson }) {
  const out: ComponentChildren[] = [];
  writeValue(props.value, 0, out);
  return <pre class="code json" data-testid="json-body">{out}</pre>;
}

function writeValue(value: RawJson, depth: number, out: ComponentChildren[]): void {
  switch (value.kind) {
    case 'object': {
      if (value.entries.length === 0) return void out.push('{}');
      out.push('{\n');
      value.entries.forEach(([key, item], index) => {
        out.push(indent(depth + 1), <span class="j-key">{JSON.stringify(key)}</span>, ': ');
        writeValue(item, depth + 1, out);
        out.push(index < value.entries.length - 1 ? ',\n' : '\n');
      });
      out.push(indent(depth), '}');
      return;
    }
    case 'array': {
      if (value.items.length === 0) return void out.push('[]');
      out.push('[\n');
      value.items.forEach((item, index) => {
        out.push(indent(depth + 1));
        writeValue(item, depth + 1, out);
        out.push(index < value.items.length - 1 ? ',\n' : '\n');
      });
      out.push(indent(depth), ']');
      return;
    }
    case 'string':
      return void out.push(<span class="j-str">{JSON.stringify(value.value)}</span>);
    case 'number':
      return void out.push(<span class="j-num">{value.raw}</span>);
    case 'boolean':
      return void out.push(<span class="j-lit">{String(value.value)}</span>);
    case 'null':
      return void out.push(<span class="j-lit">null</span>);
  }
}

function indent(depth: number): string {
  return '  '.repeat(depth);
}
