// The live-forward switch: every new capture is also sent, byte for byte, to the developer's app.

import { useEffect, useState } from 'preact/hooks';
import { setForwarding } from '../api/endpoints.ts';
import { showError, showToast, statusStore } from '../state/app-state.ts';
import { useStore } from '../state/store.ts';

export function ForwardSwitch() {
  const { status } = useStore(statusStore);
  const forwardTo = status?.forwardTo ?? null;
  const [target, setTarget] = useState(forwardTo ?? 'http://localhost:3000/callback');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (forwardTo) setTarget(forwardTo);
  }, [forwardTo]);

  const toggle = async () => {
    setBusy(true);
    try {
      const answer = await setForwarding(forwardTo ? null : target.trim());
      statusStore.set((current) => (current.status ? { ...current, status: { ...current.status, forwardTo: answer.forwardTo } } : current));
      showToast('info', answer.forwardTo ? `Every new capture is now forwarded to ${answer.forwardTo}.` : 'Live forwarding is off.');
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class={`forward ${forwardTo ? 'forward-on' : ''}`}>
      <label class="switch" title="Send every new capture to your app as it arrives (same bytes)">
        <input type="checkbox" role="switch" checked={forwardTo !== null} disabled={busy || (!forwardTo && !target.trim())} onChange={toggle} />
        <span>Forward live to</span>
      </label>
      <input type="url" class="forward-target" value={target} disabled={forwardTo !== null} aria-label="Forward target URL"
        onInput={(event) => setTarget(event.currentTarget.value)} />
    </div>
  );
}
