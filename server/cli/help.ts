// Formats `miahook --help` and per-command help from the flag table.

import { COMMANDS, listFlags, type CommandName, type FlagSpec } from './flags.ts';

const USAGE: Record<CommandName, string> = {
  start: 'miahook [start] [options]',
  emulator: 'miahook emulator [options]',
  verify: 'miahook verify <file|-> --public-key <file|base64> [--json]',
  replay: 'miahook replay <captureId> [--to <url>] [--preset <name>]',
  check: 'miahook check <handler-url> [--payment <id>] [--junit <file>]',
  export: 'miahook export [--format har|json] > file',
  import: 'miahook import <file>',
  tail: 'miahook tail [<share-url>] [--json] [--channel <name>]',
  help: 'miahook help',
};

/** The whole help: every command and every flag. */
export function formatHelp(): string {
  const lines = ['miahook: a local workbench for miaPOS payment callbacks.', '', 'Commands:'];
  for (const [name, description] of Object.entries(COMMANDS)) lines.push(`  ${USAGE[name as CommandName].padEnd(58)} ${description}`);
  for (const name of Object.keys(COMMANDS) as CommandName[]) {
    const flags = listFlags(name).filter((flag) => flag.name !== 'help');
    if (flags.length === 0) continue;
    lines.push('', `Options of "${name}":`, ...flags.map(formatFlag));
  }
  lines.push('', 'Exit codes: 0 success, 1 failed verdict or check, 2 bad usage or unreadable input.');
  return lines.join('\n');
}

/** Help for one command. */
export function formatCommandHelp(command: CommandName): string {
  const flags = listFlags(command).filter((flag) => flag.name !== 'help');
  return [`Usage: ${USAGE[command]}`, '', COMMANDS[command], ...(flags.length ? ['', 'Options:', ...flags.map(formatFlag)] : [])].join('\n');
}

function formatFlag(flag: FlagSpec): string {
  const long = flag.type === 'boolean' ? `--${flag.name}` : `--${flag.name} <${flag.argName ?? flag.type}>`;
  const name = flag.short ? `${long}, -${flag.short}` : long;
  const extras = [flag.env ? `env ${flag.env}` : '', flag.defaultValue !== undefined && flag.defaultValue !== '' ? `default ${flag.defaultValue}` : ''].filter(Boolean);
  return `  ${name.padEnd(34)} ${flag.description}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}
