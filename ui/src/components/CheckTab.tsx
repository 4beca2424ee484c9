// The go-live check tab, loaded on first open (it is used rarely) so the main bundle stays small.

import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

let loading: Promise<FunctionComponent> | null = null;
let loaded: FunctionComponent | null = null;

export function CheckTab() {
  const [View, setView] = useState<FunctionComponent | null>(() => loaded);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (View) return;
    let live = true;
    loading ??= import('./CheckView.tsx').then((module) => (loaded = module.CheckView));
    loading.then((view) => live && setView(() => view)).catch((failure: Error) => {
      loading = null;
      if (live) setError(`The check view could not be loaded (${failure.message}). Reload the page; if miahook was updated, its new build needs a reload.`);
    });
    return () => {
      live = false;
    };
  }, [View]);
  if (error) return <div class="single"><div class="panel-error" role="alert">{error}</div></div>;
  return View ? <View /> : <div class="single muted">Loading…</div>;
}
