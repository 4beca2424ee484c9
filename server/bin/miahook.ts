#!/usr/bin/env node
// The `miahook` command's entry: runs main() with this process's streams and exits with its code (built to dist/server/bin/miahook.js).
import { main } from '../cli/main.ts';

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
