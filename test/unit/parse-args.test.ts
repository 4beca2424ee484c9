import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../server/cli/parse-args.ts';
import { formatHelp } from '../../server/cli/help.ts';
import { COMMANDS, FLAGS } from '../../server/cli/flags.ts';

describe('parseArgs', () => {
  it('defaults to start with no flags', () => {
    expect(parseArgs([])).toEqual({ command: 'start', positionals: [], flags: {} });
  });

  it('reads a command, positionals and typed flags in both spellings', () => {
    expect(parseArgs(['verify', 'cb.json', '--public-key', 'k.pem', '--json'])).toEqual({
      command: 'verify', positionals: ['cb.json'], flags: { 'public-key': 'k.pem', json: true },
    });
    expect(parseArgs(['--port=0', '--ingress-port', '5']).flags).toEqual({ port: 0, 'ingress-port': 5 });
    expect(parseArgs(['verify', '-', '--no-json']).flags).toEqual({ json: false });
    expect(parseArgs(['verify', '-']).positionals).toEqual(['-']);
  });

  it.each([
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['--nope'], /Unknown option --nope/],
    [['--port'], /--port needs a value/],
    [['--port', 'abc'], /--port must be a number/],
    [['--error-style', 'weird'], /must be one of observed, documented/],
    [['verify', 'x', '--port', '1'], /does not apply to "miahook verify"/],
    [['-x'], /Unknown option "-x"/],
    [['verify', '--json=maybe'], /is a switch/],
  ])('refuses %j with a message saying what to do', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('lists every command and every flag in --help', () => {
    const help = formatHelp();
    for (const command of Object.keys(COMMANDS)) expect(help).toContain(`miahook ${command === 'start' ? '[start]' : command}`);
    for (const flag of FLAGS.filter((f) => f.name !== 'help')) expect(help).toContain(`--${flag.name}`);
  });
});
