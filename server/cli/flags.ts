// Every command and flag the CLI knows: one table that parsing, help and the README's configuration table follow.

export const COMMANDS = {
  start: 'Start the inspector, the ingress and the emulator (the default command).',
  emulator: 'Run only the miaPOS emulator.',
  verify: 'Verify a callback file (or - for stdin) and explain the verdict.',
  replay: 'Replay a stored capture to your app, through the running instance.',
  check: 'Test your own callback handler before going live: genuine, forged and tricky callbacks, each judged.',
  export: 'Print every capture as HAR 1.2 or miahook JSON, from the running instance.',
  import: 'Add the captures of a miahook JSON export to the running instance.',
  tail: 'Follow captures live in the terminal: the running instance, or a teammate\'s share link.',
  help: 'Show this help.',
} as const;

export type CommandName = keyof typeof COMMANDS;

export interface FlagSpec {
  name: string;
  type: 'string' | 'number' | 'boolean';
  description: string;
  commands: readonly CommandName[];
  /** Environment variable read when the flag is not given. */
  env?: string;
  /** Value used when neither flag nor env var is given (shown in help). */
  defaultValue?: string | number | boolean;
  /** Allowed values for a string flag. */
  choices?: readonly string[];
  /** Argument name shown in help. */
  argName?: string;
  /** May be given several times; values are joined with commas. */
  repeatable?: boolean;
  /** One-letter alias, written -x. */
  short?: string;
}

const SERVE: readonly CommandName[] = ['start', 'emulator'];

export const FLAGS: readonly FlagSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'Show help for the command.', commands: ['start', 'emulator', 'verify', 'replay', 'check', 'export', 'import', 'tail', 'help'] },
  { name: 'version', short: 'v', type: 'boolean', description: 'Print the version (from package.json) and exit.', commands: ['start'] },
  { name: 'data-dir', type: 'string', argName: 'dir', env: 'MIAHOOK_DATA_DIR', defaultValue: './.miahook', description: 'Where captures, keys and runtime.json are kept (client commands find the running instance there).', commands: ['start', 'emulator', 'replay', 'check', 'export', 'import', 'tail'] },
  { name: 'port', type: 'number', argName: 'n', env: 'MIAHOOK_PORT', defaultValue: 4600, description: 'Inspector listener port (UI, API, WebSocket). 0 picks a free port.', commands: ['start'] },
  { name: 'ingress-port', type: 'number', argName: 'n', env: 'MIAHOOK_INGRESS_PORT', defaultValue: 4601, description: 'Ingress listener port (POST /callback). 0 picks a free port.', commands: ['start'] },
  { name: 'emulator-port', type: 'number', argName: 'n', env: 'MIAHOOK_EMULATOR_PORT', defaultValue: 4602, description: 'Emulator listener port (the miaPOS API). 0 picks a free port.', commands: SERVE },
  { name: 'error-style', type: 'string', argName: 'style', env: 'MIAHOOK_ERROR_STYLE', defaultValue: 'observed', choices: ['observed', 'documented'], description: 'Emulator error bodies: observed {errorCode,errorMessage} or documented {error:{code,message,requestId}}.', commands: SERVE },
  { name: 'emulator-speed', type: 'number', argName: 'x', env: 'MIAHOOK_EMULATOR_SPEED', defaultValue: 1, description: 'Emulator clock speed-up: 10 makes PENDING come after 0.5 s instead of 5 s.', commands: SERVE },
  { name: 'emulator-ttl', type: 'number', argName: 'seconds', env: 'MIAHOOK_EMULATOR_TTL', defaultValue: 300, description: 'Seconds before an unpaid emulator payment EXPIRES (divided by --emulator-speed).', commands: SERVE },
  { name: 'emulator-auto', type: 'boolean', argName: 'on', env: 'MIAHOOK_EMULATOR_AUTO', defaultValue: true, description: 'Auto mode like the sandbox: an opened checkout page goes PENDING, then SUCCESS, by itself. --no-emulator-auto leaves every outcome to the checkout buttons and the control route.', commands: SERVE },
  { name: 'max-body', type: 'string', argName: 'size', env: 'MIAHOOK_MAX_BODY', defaultValue: '1mb', description: 'Largest callback body captured (bytes, or 512kb, 1mb); larger ones get 413.', commands: ['start'] },
  { name: 'rate-limit', type: 'number', argName: 'n', env: 'MIAHOOK_RATE_LIMIT', defaultValue: 50, description: 'Callbacks per second accepted from one sender before 429 (bodies up to 16 KiB each on average; all senders together 10x); 0 turns the limit off.', commands: ['start'] },
  { name: 'respond', type: 'string', argName: 'mode', env: 'MIAHOOK_RESPOND', defaultValue: 'accept', choices: ['accept', 'strict', 'proxy'], description: 'Ingress answers: accept (200 to every capture), strict (400 unless the signature is valid, like a correct handler) or proxy (the app\'s answer, with --forward-to).', commands: ['start'] },
  { name: 'forward-to', type: 'string', argName: 'url', env: 'MIAHOOK_APP_URL', defaultValue: '', description: 'Your app\'s callback URL: every capture is forwarded there live (same bytes), and replays go there by default.', commands: ['start'] },
  { name: 'allow-target', type: 'string', argName: 'host[:port]', env: 'MIAHOOK_ALLOW_TARGETS', defaultValue: '', repeatable: true, description: 'A non-loopback host replays and forwarding may reach (repeat or comma-separate). Link-local and metadata addresses are never allowed.', commands: ['start'] },
  { name: 'keep', type: 'number', argName: 'n', env: 'MIAHOOK_KEEP', defaultValue: 10000, description: 'Captures kept; the oldest are evicted first.', commands: ['start'] },
  { name: 'sandbox', type: 'boolean', env: 'MIAHOOK_SANDBOX', defaultValue: false, description: 'Register payments with the real miaPOS sandbox (credentials from MIAPOS_* env vars or .env); also on when MIAPOS_BASE_URL is set.', commands: ['start'] },
  { name: 'tunnel', type: 'boolean', env: 'MIAHOOK_TUNNEL', description: 'Open a public localtunnel URL to the ingress (default: on in sandbox mode, off in emulator mode).', commands: ['start'] },
  { name: 'tunnel-host', type: 'string', argName: 'url', env: 'MIAHOOK_TUNNEL_HOST', defaultValue: 'https://localtunnel.me', description: 'The localtunnel server: the public one, or your team\'s own.', commands: ['start'] },
  { name: 'public-url', type: 'string', argName: 'url', env: 'MIAHOOK_PUBLIC_URL', defaultValue: '', description: 'Bring your own tunnel (ngrok, cloudflared, a reverse proxy) that leads to the ingress: callback URLs and share links use this base, no localtunnel is opened, and it is probed like a tunnel. Not with --tunnel.', commands: ['start'] },
  { name: 'subdomain', type: 'string', argName: 'name', env: 'MIAHOOK_SUBDOMAIN', defaultValue: '', description: 'Ask the tunnel server for this subdomain (it may be taken).', commands: ['start'] },
  { name: 'public-key', type: 'string', argName: 'file|base64', description: 'Public key to verify with: a PEM file, a file or text of base64 DER, or the {publicKey} JSON.', commands: ['verify'] },
  { name: 'json', type: 'boolean', description: 'Print the result as JSON (tail: one JSON object per line).', commands: ['verify', 'replay', 'check', 'import', 'tail'] },
  { name: 'channel', type: 'string', argName: 'name', description: 'Only captures of this channel (the label after /callback/; "default" for /callback).', commands: ['tail'] },
  { name: 'to', type: 'string', argName: 'url', description: 'Where to replay (default: the running instance\'s --forward-to).', commands: ['replay'] },
  { name: 'preset', type: 'string', argName: 'name', choices: ['duplicate', 'tampered-amount', 'status-downgrade', 'extra-field', 'amount-no-decimals'], description: 'Send a handler-test variation instead of the stored bytes.', commands: ['replay'] },
  { name: 'payment', type: 'string', argName: 'paymentId', description: 'The emulator payment to build callbacks from (default: the newest one whose callbackUrl is the handler URL).', commands: ['check'] },
  { name: 'junit', type: 'string', argName: 'file', description: 'Also write the results as JUnit XML to this file (for CI).', commands: ['check'] },
  { name: 'format', type: 'string', argName: 'har|json', choices: ['har', 'json'], description: 'Export format: har (browser devtools) or json (miahook import).', commands: ['export'] },
  { name: 'force', type: 'boolean', description: 'Import even when it evicts captures already stored (the store is full).', commands: ['import'] },
];

/** Flags that apply to a command. */
export function listFlags(command: CommandName): FlagSpec[] {
  return FLAGS.filter((flag) => flag.commands.includes(command));
}
