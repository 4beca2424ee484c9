// Turns argv into a command, its positionals and typed flag values; pure, throws UsageError on bad usage.

import { COMMANDS, FLAGS, type CommandName, type FlagSpec } from './flags.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagValue = string | number | boolean;

export interface ParsedArgs {
  command: CommandName;
  positionals: string[];
  /** Only the flags given on the command line, keyed by flag name. */
  flags: Record<string, FlagValue>;
}

/** Parses `miahook [command] [--flag value | --flag=value | --no-flag] [positionals]`. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args = [...argv];
  let command: CommandName = 'start';
  if (args[0] !== undefined && !args[0].startsWith('-')) {
    const name = args.shift()!;
    if (!(name in COMMANDS)) throw new UsageError(`Unknown command "${name}". Run "miahook --help" to see the commands.`);
    command = name as CommandName;
  }
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      positionals.push(...args.splice(0));
      break;
    }
    const short = FLAGS.find((flag) => flag.short !== undefined && arg === `-${flag.short}` && flag.commands.includes(command));
    if (short) {
      flags[short.name] = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`Unknown option "${arg}". Options are written --name; run "miahook ${command} --help".`);
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let inline = eq === -1 ? undefined : arg.slice(eq + 1);
    let negated = false;
    if (name.startsWith('no-') && !findFlag(name, command)) {
      name = name.slice(3);
      negated = true;
    }
    const spec = findFlag(name, command);
    if (!spec) {
      const elsewhere = FLAGS.find((flag) => flag.name === name);
      throw new UsageError(elsewhere
        ? `--${name} does not apply to "miahook ${command}" (it is for: ${elsewhere.commands.join(', ')}).`
        : `Unknown option --${name}. Run "miahook ${command} --help" to see the options.`);
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) throw new UsageError(`--${name} is a switch: write --${name} or --no-${name}.`);
      flags[name] = negated ? false : inline !== 'false';
      continue;
    }
    if (negated) throw new UsageError(`--no-${name} is not valid: --${name} takes a value.`);
    if (inline === undefined) {
      inline = args.shift();
      if (inline === undefined || (inline.startsWith('--') && inline.length > 2)) {
        throw new UsageError(`--${name} needs a value (${spec.argName ?? spec.type}).`);
      }
    }
    const value = readFlagValue(spec, inline, `--${name}`);
    flags[name] = spec.repeatable && typeof flags[name] === 'string' ? `${flags[name]},${value}` : value;
  }
  return { command, positionals, flags };
}

/** Converts a flag's or env var's text to the flag's type; throws UsageError naming the source. */
export function readFlagValue(spec: FlagSpec, text: string, source: string): FlagValue {
  if (spec.type === 'number') {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`${source} must be a number >= 0, got "${text}".`);
    return value;
  }
  if (spec.type === 'boolean') {
    if (['1', 'true', 'yes', 'on'].includes(text.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off', ''].includes(text.toLowerCase())) return false;
    throw new UsageError(`${source} must be true or false, got "${text}".`);
  }
  if (spec.choices && !spec.choices.includes(text)) throw new UsageError(`${source} must be one of ${spec.choices.join(', ')}; got "${text}".`);
  return text;
}

function findFlag(name: string, command: CommandName): FlagSpec | undefined {
  return FLAGS.find((flag) => flag.name === name && flag.commands.includes(command));
}
