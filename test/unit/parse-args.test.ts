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
    [['verify', '--no-json=1'], /^--json is a switch: write --json or --no-json\.$/],
    [['--no-port'], /^--no-port is not valid: --port takes a value\.$/],
    [['--port', '--json'], /^--port needs a value \(n\)\.$/],
    [['--port=-1'], /^--port must be a number >= 0, got "-1"\.$/],
    [['--no-nope'], /^Unknown option --nope\. Run "miahook start --help" to see the options\.$/],
    [['-hx'], /^Unknown option "-hx"\. Options are written --name; run "miahook start --help"\.$/],
    [['-hv'], /^Unknown option "-hv"\./],
    [['verify', '-v'], /^Unknown option "-v"\. Options are written --name; run "miahook verify --help"\.$/],
    [['export', '--format', 'xml'], /^--format must be one of har, json; got "xml"\.$/],
    [['verify', 'x', '--port', '1'], /^--port does not apply to "miahook verify" \(it is for: start\)\.$/],
  ])('refuses %j with a message saying what to do', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('reads -h, --, negated and repeated flags', () => {
    expect(parseArgs(['verify', '-h'])).toEqual({ command: 'verify', positionals: [], flags: { help: true } });
    expect(parseArgs(['-v'])).toEqual({ command: 'start', positionals: [], flags: { version: true } });
    expect(parseArgs(['verify', '--', '--json', '-'])).toEqual({ command: 'verify', positionals: ['--json', '-'], flags: {} });
    expect(parseArgs(['--no-tunnel', '--emulator-auto=false', '--sandbox=true']).flags).toEqual({ tunnel: false, 'emulator-auto': false, sandbox: true });
    expect(parseArgs(['--allow-target', 'a.example', '--allow-target=b.example:8080']).flags).toEqual({ 'allow-target': 'a.example,b.example:8080' });
    expect(parseArgs(['--port', '1', '--port', '2']).flags).toEqual({ port: 2 });
    expect(parseArgs(['--subdomain=']).flags).toEqual({ subdomain: '' });
  });

  it('lists every command and every flag in --help', () => {
    const help = formatHelp();
    for (const command of Object.keys(COMMANDS)) expect(help).toContain(`miahook ${command === 'start' ? '[start]' : command}`);
    for (const flag of FLAGS.filter((f) => f.name !== 'help')) expect(help).toContain(`--${flag.name}`);
  });
});
