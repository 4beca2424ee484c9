// Where the project's own files are, independent of the directory miahook is started from.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
