// Reads the optional .env file beside where miahook runs (KEY=value lines), with Node's own parser.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

export async function readDotenv(cwd: string): Promise<Record<string, string>> {
  try {
    return parseEnv(await readFile(join(cwd, '.env'), 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}
