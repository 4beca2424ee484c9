import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeKeyPair, signCallbackText, VECTOR_RESULT, VECTOR_STRING } from '../helpers/keys.ts';
import { runCli } from '../helpers/run-cli.ts';

const pair = makeKeyPair();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'miahook-verify-'));
  await writeFile(join(dir, 'key.pem'), pair.publicPem);
  await writeFile(join(dir, 'key.b64'), pair.spkiBase64);
  await writeFile(join(dir, 'valid.json'), signCallbackText(VECTOR_RESULT, pair.privateKey));
  await writeFile(join(dir, 'unformatted.json'), signCallbackText(VECTOR_RESULT.replace('1775.00', '1775'), pair.privateKey, { amount: 'as-written' }));
  await writeFile(join(dir, 'not.json'), 'amount=1775');
  await writeFile(join(dir, 'bad-key.pem'), '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n');
});

describe('miahook verify', () => {
  it('exits 0 on a valid callback and prints canonical string, verdict and fingerprint', async () => {
    const run = await runCli(['verify', 'valid.json', '--public-key', 'key.pem'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(VECTOR_STRING);
    expect(run.stdout).toContain('VALID');
    expect(run.stdout).toContain(pair.publicKey.fingerprint);
  });

  it('reads stdin with - and a base64 key given inline, and prints JSON with --json', async () => {
    const body = signCallbackText(VECTOR_RESULT, pair.privateKey);
    const run = await runCli(['verify', '-', '--public-key', pair.spkiBase64, '--json'], { cwd: dir, stdin: body });
    expect(run.code).toBe(0);
    const verdict = JSON.parse(run.stdout) as { verdict: string; canonical: string };
    expect(verdict).toMatchObject({ verdict: 'valid', canonical: VECTOR_STRING });
  });

  it('exits 1 on an invalid signature and names the mistake', async () => {
    const run = await runCli(['verify', 'unformatted.json', '--public-key', 'key.b64'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('INVALID');
    expect(run.stdout).toMatch(/wrote amount as "1775" instead of with exactly two decimals/);
  });

  it('exits 1 on a body that is not JSON, saying so', async () => {
    const run = await runCli(['verify', 'not.json', '--public-key', 'key.pem'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/UNVERIFIABLE: The body is not JSON/);
  });

  it.each([
    [['verify', 'missing.json', '--public-key', 'key.pem'], /Cannot read "missing.json" \(ENOENT\)/],
    [['verify', 'valid.json', '--public-key', 'bad-key.pem'], /PEM key could not be read/],
    [['verify', 'valid.json', '--public-key', 'nokey.pem'], /Cannot read the key file "nokey.pem"/],
    [['verify', 'valid.json', '--public-key', 'A'.repeat(63) + '*'], /Cannot read the key file/],
    [['verify', 'valid.json', '--public-key', 'QUJD'.repeat(20)], /not a DER SubjectPublicKeyInfo/],
    [['verify'], /Say which callback to verify/],
  ])('exits 2 on bad usage %#', async (args, message) => {
    const run = await runCli(args, { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('prints help listing every command', async () => {
    const run = await runCli(['--help'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/miahook verify <file\|->/);
  });
});
