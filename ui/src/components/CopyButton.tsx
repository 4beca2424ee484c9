// A small button that copies text and says so for a moment.

import { useState } from 'preact/hooks';
import { copyText } from '../lib/download.ts';
import { showError } from '../state/app-state.ts';

export function CopyButton(props: { text: string; label?: string; title?: string; class?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await copyText(props.text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1_500);
    } catch (error) {
      showError(error);
    }
  };
  return (
    <button type="button" class={`btn btn-small ${props.class ?? ''}`} title={props.title ?? 'Copy to the clipboard'} onClick={copy}>
      {copied ? 'Copied' : props.label ?? 'Copy'}
    </button>
  );
}
