#!/usr/bin/env node
// The `crossdock` command. Crossdock runs from its TypeScript sources (no build step): tsx's
// loader is registered first, then the CLI is imported.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
