// The tunnel's state (off, connecting, online with its URL, reconnecting, failed, or offline for --public-url) and the share menu beside it.

import { useState } from 'preact/hooks';
import type { TunnelState } from '../../../shared/events.ts';
import { SharePanel } from './SharePanel.tsx';

export function TunnelStatus(props: { tunnel: TunnelState; readOnly: boolean }) {
  const [open, setOpen] = useState(false);
  const { tunnel } = props;
  const { tone, text, title } = describeTunnel(tunnel);
  return (
    <div class="tunnel">
      <span class={`chip chip-${tone}`} title={title} data-tunnel={tunnel.state}>{text}</span>
      {!props.readOnly && (
        <button type="button" class="btn btn-small" aria-expanded={open} onClick={() => setOpen(!open)}
          title="Give a teammate a read-only view of this inspector">Share</button>
      )}
      {open && <SharePanel tunnel={tunnel} onClose={() => setOpen(false)} />}
    </div>
  );
}

function describeTunnel(tunnel: TunnelState): { tone: string; text: string; title: string } {
  switch (tunnel.state) {
    case 'off':
      return { tone: 'muted', text: 'tunnel off', title: 'No public URL: only this machine can reach the callback URL (enough for the emulator).' };
    case 'connecting':
      return { tone: 'wait', text: `tunnel connecting${tunnel.attempt > 1 ? ` (${tunnel.attempt})` : ''}`, title: 'Opening a public tunnel…' };
    case 'online':
      return { tone: 'good', text: 'tunnel online', title: `Public URL: ${tunnel.publicUrl}` };
    case 'reconnecting':
      return { tone: 'wait', text: `tunnel reconnecting (${tunnel.attempt})`, title: `${tunnel.reason}${tunnel.lastUrl ? ` (was ${tunnel.lastUrl})` : ''}` };
    case 'failed':
      return { tone: 'bad', text: 'tunnel failed', title: tunnel.reason };
    case 'offline':
      return { tone: 'bad', text: 'public URL offline', title: tunnel.reason };
  }
}
