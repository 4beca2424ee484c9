// `miahook --version` / `-v`: the version from package.json on stdout, exit 0; short flags come from the flag table.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../server/cli/main.ts';
import { parseArgs } from '../../server/cli/parse-args.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function runMain(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => ((stdout += text), true) } as NodeJS.WritableStream,
    stderr: { write: (text: string) => ((stderr += text), true) } as NodeJS.WritableStream,
    env: {},
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

describe('miahook --version', () => {
  it('parses --version and -v (and -h) from the flag table', () => {
    expect(parseArgs(['--version']).flags).toEqual({ version: true });
    expect(parseArgs(['-v']).flags).toEqual({ version: true });
    expect(parseArgs(['verify', '-h']).flags).toEqual({ help: true });
  });

  it('prints the version from package.json and exits 0, starting nothing', async () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-v']) expect(await runMain([flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('is refused after another command, with exit 2', async () => {
    const run = await runMain(['verify', '-v']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option "-v"/);
  });
});
