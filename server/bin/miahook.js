#!/usr/bin/env node
// Launcher for the `miahook` command: lets Node run the TypeScript sources (through tsx), then runs main().
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
