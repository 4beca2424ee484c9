// Turns argv into a command, its positionals and typed flag values; pure, throws UsageError on bad usage.
// node:util parseArgs splits argv into tokens (both spellings, --no-x, --, -h); our rules run on those tokens.

import { parseArgs as splitArgs } from 'node:util';
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

type OptionToken = Extract<NonNullable<ReturnType<typeof splitArgs>['tokens']>[number], { kind: 'option' }>;

/** Every flag of the table, for every command: a flag of another command is still split right, then refused by name. */
const SPLIT_OPTIONS = Object.fromEntries(FLAGS.map((flag) => [flag.name, {
  type: flag.type === 'boolean' ? 'boolean' as const : 'string' as const,
  ...(flag.short ? { short: flag.short } : {}),
}]));

/** Parses `miahook [command] [--flag value | --flag=value | --no-flag] [positionals]`. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args = [...argv];
  let command: CommandName = 'start';
  if (args[0] !== undefined && !args[0].startsWith('-')) {
    const name = args.shift()!;
    if (!(name in COMMANDS)) throw new UsageError(`Unknown command "${name}". Run "miahook --help" to see the commands.`);
    command = name as CommandName;
  }
  const { tokens } = splitArgs({ args, options: SPLIT_OPTIONS, strict: false, allowPositionals: true, allowNegative: true, tokens: true });
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const { spec, value } = readOptionToken(token, args[token.index]!, command);
    const earlier = flags[spec.name];
    flags[spec.name] = spec.repeatable && typeof earlier === 'string' ? `${earlier},${value}` : value;
  }
  return { command, positionals, flags };
}

/** Applies our rules to one option token: known, meant for this command, a switch or a value of the right type. */
function readOptionToken(token: OptionToken, arg: string, command: CommandName): { spec: FlagSpec; value: FlagValue } {
  if (!token.rawName.startsWith('--')) {
    // A one-letter alias stands alone (no -hv groups) and only for a flag of this command.
    const spec = findFlag(token.name, command);
    if (arg !== token.rawName || !spec || `-${spec.short}` !== arg) {
      throw new UsageError(`Unknown option "${arg}". Options are written --name; run "miahook ${command} --help".`);
    }
    return { spec, value: true };
  }
  // parseArgs names "--no-port" port (allowNegative), but "--no-json=1" no-json: both are the negated flag.
  const negated = token.rawName.startsWith('--no-') && !FLAGS.some((flag) => `--${flag.name}` === token.rawName);
  const name = negated && token.name === token.rawName.slice(2) ? token.name.slice(3) : token.name;
  const spec = findFlag(name, command);
  if (!spec) {
    const elsewhere = FLAGS.find((flag) => flag.name === name);
    throw new UsageError(elsewhere
      ? `--${name} does not apply to "miahook ${command}" (it is for: ${elsewhere.commands.join(', ')}).`
      : `Unknown option --${name}. Run "miahook ${command} --help" to see the options.`);
  }
  if (spec.type === 'boolean') {
    if (token.value !== undefined && !['true', 'false'].includes(token.value)) throw new UsageError(`--${name} is a switch: write --${name} or --no-${name}.`);
    return { spec, value: negated ? false : token.value !== 'false' };
  }
  if (negated) throw new UsageError(`--no-${name} is not valid: --${name} takes a value.`);
  if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--') && token.value.length > 2)) {
    throw new UsageError(`--${name} needs a value (${spec.argName ?? spec.type}).`);
  }
  return { spec, value: readFlagValue(spec, token.value, `--${name}`) };
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
