// `npm run bench:start`: packs miahook (with its prepack build), installs the tarball into an empty temp project,
// and prints the tarball size, the installed node_modules size and the time from spawn to "miahook is running".

import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTarball, measureDir, packProject, startInstalled } from '../test/helpers/packed-install.ts';

const STARTS = 7;
const TARGETS = { tarballKb: 400, nodeModulesMb: 20, startMs: 1500 };

interface StartSample { wallMs: number; cpuMs: number | undefined }

async function measureStart(app: string, dataDir: string): Promise<StartSample> {
  const instance = await startInstalled(app, ['--port', '0', '--ingress-port', '0', '--emulator-port', '0', '--data-dir', dataDir]);
  const code = await instance.stop();
  if (code !== 0) throw new Error(`miahook exited ${code} on SIGTERM:\nstdout:\n${instance.output.stdout}\nstderr:\n${instance.output.stderr}`);
  return { wallMs: instance.startMs, cpuMs: instance.startCpuMs };
}

function findMedian(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function formatVerdict(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL';
}

async function runBench(): Promise<number> {
  const work = await mkdtemp(join(tmpdir(), 'miahook-bench-start-'));
  try {
    const app = join(work, 'app');
    await mkdir(app);
    const tarball = await packProject(work, { runScripts: true });
    await installTarball(tarball.path, app);
    const modules = await measureDir(join(app, 'node_modules'));
    const lock = JSON.parse(await readFile(join(app, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const packages = Object.keys(lock.packages).filter((path) => path.startsWith('node_modules/')).length;
    const dataDir = join(work, 'data');
    const first = await measureStart(app, dataDir);
    const starts: StartSample[] = [];
    for (let i = 0; i < STARTS; i += 1) starts.push(await measureStart(app, dataDir));
    const walls = starts.map((sample) => sample.wallMs);
    const median = findMedian(walls);
    const cpus = starts.flatMap((sample) => (sample.cpuMs === undefined ? [] : [sample.cpuMs]));

    const tarballKb = tarball.bytes / 1024;
    const modulesMb = modules.bytes / 1024 / 1024;
    const checks = [tarballKb < TARGETS.tarballKb, modulesMb < TARGETS.nodeModulesMb, median < TARGETS.startMs];
    console.log(`Node ${process.version}, ${tarball.files.length} files packed`);
    console.log(`tarball        ${tarballKb.toFixed(0)} KB (target < ${TARGETS.tarballKb} KB)  ${formatVerdict(checks[0]!)}`);
    console.log(`node_modules   ${modulesMb.toFixed(1)} MB of files, ${(modules.diskBytes / 1024 / 1024).toFixed(1)} MB on disk, ${packages} packages (target < ${TARGETS.nodeModulesMb} MB)  ${formatVerdict(checks[1]!)}`);
    console.log(`first start    ${first.wallMs.toFixed(0)} ms (new data dir: makes the emulator's RSA key)`);
    console.log(`start          median ${median.toFixed(0)} ms of ${STARTS} (${[...walls].sort((a, b) => a - b).map((ms) => ms.toFixed(0)).join(', ')}) (target < ${TARGETS.startMs} ms)  ${formatVerdict(checks[2]!)}`);
    if (cpus.length) console.log(`start CPU      median ${findMedian(cpus).toFixed(0)} ms of user + system time by then (less sensitive to other load)`);
    console.log(`load average   ${loadavg().map((load) => load.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);
    return checks.every(Boolean) ? 0 : 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await runBench();
