// Downloads every capture with its deliveries as HAR 1.2 (for browser devtools) or miahook JSON (for `miahook import`).

import { downloadExport } from '../api/endpoints.ts';
import { saveBlob } from '../lib/download.ts';
import { showError } from '../state/app-state.ts';

export function ExportButtons() {
  const save = async (format: 'har' | 'json') => {
    try {
      const blob = await downloadExport(format);
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      saveBlob(blob, `miahook-${stamp}.${format === 'har' ? 'har' : 'json'}`);
    } catch (error) {
      showError(error);
    }
  };
  return (
    <div class="button-group" role="group" aria-label="Export">
      <span class="muted small">Export</span>
      <button type="button" class="btn btn-small" onClick={() => save('har')} title="HAR 1.2: open it in your browser's network devtools">HAR</button>
      <button type="button" class="btn btn-small" onClick={() => save('json')} title="miahook JSON: a teammate can `miahook import` it and replay">JSON</button>
    </div>
  );
}
