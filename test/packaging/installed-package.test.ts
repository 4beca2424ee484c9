// Packaging: `npm pack` of the project, `npm install` of the tarball into an empty project under os.tmpdir(), then only
// that install: `miahook --version`, `miahook verify` of a callback signed here, and a real start on port 0 whose
// inspector serves the built UI and whose ingress captures callbacks. The installed command runs with its cwd in the
// temp project and an environment with no npm_*, NODE_PATH or repo PATH entries, so nothing resolves from the repo.
// It packs the dist/ that the vitest global setup built (`--ignore-scripts`): a prepack build here would rewrite
// dist/ui while other test files serve it. `npm run bench:start` packs with the prepack build.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListResponse, StatusResponse } from '../../shared/api.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import type { RuntimeInfo } from '../../server/data-dir/runtime-file.ts';
import { makeKeyPair, signCallbackText, VECTOR_RESULT, VECTOR_STRING } from '../helpers/keys.ts';
import { installTarball, measureDir, packProject, REPO_ROOT, runInstalled, startInstalled, type PackedTarball } from '../helpers/packed-install.ts';
import { waitFor } from '../helpers/wait-for.ts';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEV_ONLY = ['vite', '@preact/preset-vite', 'preact', 'tsx', 'typescript', 'vitest'];

let work: string;
let app: string;
let tarball: PackedTarball;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'miahook-package-'));
  app = join(work, 'app');
  await mkdir(app);
  tarball = await packProject(work, { runScripts: false });
  await installTarball(tarball.path, app);
}, 240_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds only the built server, shared code and UI, README and LICENSE, in under 400 KB', () => {
    const unexpected = tarball.files.filter((path) => !/^(dist\/(server|shared|ui)\/.+|README\.md|LICENSE|package\.json)$/.test(path));
    expect(unexpected).toEqual([]);
    expect(tarball.files).toContain('dist/server/bin/miahook.js');
    expect(tarball.files).toContain('dist/ui/index.html');
    expect(tarball.files.filter((path) => path.endsWith('.ts'))).toEqual([]);
    expect(tarball.bytes).toBeLessThan(400 * 1024);
  });

  it('installs as a copy with its runtime dependencies only, in under 20 MB of node_modules', async () => {
    expect((await realpath(join(app, 'node_modules', 'miahook'))).startsWith(await realpath(app))).toBe(true);
    for (const name of ['express', 'ws', 'localtunnel', 'jose', 'lowdb', 'qrcode']) expect(existsSync(join(app, 'node_modules', name)), name).toBe(true);
    expect(DEV_ONLY.filter((name) => existsSync(join(app, 'node_modules', name)))).toEqual([]);
    expect((await measureDir(join(app, 'node_modules'))).bytes).toBeLessThan(20 * 1024 * 1024);
  });
});

describe('the installed miahook command', () => {
  it('prints the version from package.json with --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const run = await runInstalled(app, [flag]);
      expect(run, flag).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
  });

  it('verifies a callback signed here: 0 for a genuine one, 1 with a diagnosis for a badly signed one', async () => {
    const pair = makeKeyPair();
    await writeFile(join(app, 'key.pem'), pair.publicPem);
    await writeFile(join(app, 'genuine.json'), signCallbackText(VECTOR_RESULT, pair.privateKey));
    await writeFile(join(app, 'unformatted.json'), signCallbackText(VECTOR_RESULT.replace('1775.00', '1775'), pair.privateKey, { amount: 'as-written' }));

    const genuine = await runInstalled(app, ['verify', 'genuine.json', '--public-key', 'key.pem']);
    expect(genuine.stderr).toBe('');
    expect(genuine.code).toBe(0);
    expect(genuine.stdout).toContain(VECTOR_STRING);
    expect(genuine.stdout).toMatch(/verdict\s+VALID/);

    const unformatted = await runInstalled(app, ['verify', '-', '--public-key', 'key.pem', '--json'], await readFile(join(app, 'unformatted.json'), 'utf8'));
    expect(unformatted.code).toBe(1);
    expect(JSON.parse(unformatted.stdout)).toMatchObject({ verdict: 'invalid' });
  });

  it('starts on port 0: the inspector serves the built UI behind its token rules, the ingress captures callbacks', async () => {
    const dataDir = join(work, 'data');
    const instance = await startInstalled(app, ['--port', '0', '--ingress-port', '0', '--emulator-port', '0', '--data-dir', dataDir]);
    let exitCode: number | null;
    try {
      const runtime = JSON.parse(await readFile(join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;
      expect(runtime.pid).toBe(instance.child.pid);
      const inspector = runtime.inspectorUrl!;
      const api = (path: string, init: RequestInit = {}) => fetch(`${inspector}${path}`, { ...init, headers: { authorization: `Bearer ${runtime.token}`, 'content-type': 'application/json', ...init.headers } });

      // The page and its assets need no token (it travels in the URL fragment); the API does.
      const page = await fetch(`${inspector}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      const script = /<script[^>]+src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script, html).toBeDefined();
      const asset = await fetch(`${inspector}/${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect((await asset.text()).length).toBeGreaterThan(10_000);
      expect((await fetch(`${inspector}/api/status`)).status).toBe(401);
      const status = (await (await api('/api/status')).json()) as StatusResponse;
      expect(status).toMatchObject({ version: VERSION, mode: 'emulator' });

      // A callback posted by hand is stored byte-exact.
      const body = Buffer.from('{"result":{"paymentId":"by-hand","status":"SUCCESS"},"signature":"AAAA"} ');
      const posted = await fetch(runtime.callbackUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(posted.status).toBe(200);
      const { id } = (await posted.json()) as { id: string };
      const stored = (await (await api(`/api/captures/${id}`)).json()) as CaptureDetail;
      expect(Buffer.from(stored.bodyBase64, 'base64').equals(body)).toBe(true);

      // A payment made with the installed emulator calls back, signed with the emulator's key: captured and valid.
      const created = await api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 12.5 }) });
      expect(created.status).toBe(201);
      const payment = (await created.json()) as PaymentRecord;
      expect((await api(`/api/payments/${payment.paymentId}/simulate`, { method: 'POST', body: JSON.stringify({ status: 'SUCCESS' }) })).status).toBe(200);
      const listed = await waitFor(async () => ((await (await api(`/api/captures?q=${payment.paymentId}`)).json()) as CaptureListResponse).items[0]);
      const callback = (await (await api(`/api/captures/${listed.id}`)).json()) as CaptureDetail;
      expect(callback.verification.verdict).toBe('valid');
      expect(callback.summary).toMatchObject({ status: 'SUCCESS', amount: '12.50', paymentId: payment.paymentId });
    } finally {
      exitCode = await instance.stop();
    }
    expect(exitCode).toBe(0);
    expect(instance.output.stderr).not.toMatch(/unexpected error|Error:/);
  });

  // Runs last: it removes the installed UI.
  it('never builds the UI at start: without it, start exits 1 saying to reinstall', async () => {
    await rm(join(app, 'node_modules', 'miahook', 'dist', 'ui'), { recursive: true });
    const run = await runInstalled(app, ['--port', '0', '--ingress-port', '0', '--emulator-port', '0', '--data-dir', join(work, 'data-no-ui')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the inspector UI is missing .*reinstall miahook/);
    expect(run.stdout).toBe('');
  });
});
