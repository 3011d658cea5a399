import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForHub } from '../../../../src/assembly/sandbox-hub-config.ts';

const CROSSDOCK_BIN = fileURLToPath(new URL('../../../../bin/crossdock.mjs', import.meta.url));
const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** How much of the child's output is kept for a failure message (the tail). */
const OUTPUT_KEPT = 64 * 1024;

/** `crossdock start --config <file>` as a child process: what an operator runs, and what the crash test kills. */
export interface HubProcess {
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The tail of stdout and stderr, for failure messages. */
  output(): string;
  /** SIGKILL: no cleanup at all, as when the machine or the container dies. */
  kill(): Promise<void>;
  /** SIGTERM: the hub finishes work in progress and closes its database; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the hub from its command-line entry point and waits until `GET <hubUrl>/readyz` says
 * ready. Fails with the child's output when it exits (or does not answer) first.
 */
export async function startHubProcess(options: { configFile: string; hubUrl: string; env?: Record<string, string>; readyWithinMs?: number }): Promise<HubProcess> {
  const child: ChildProcess = spawn(process.execPath, [CROSSDOCK_BIN, 'start', '--config', options.configFile], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
  };
  // Always read the pipes: a child whose pipe buffer fills up blocks on its next log line.
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const giveUp = new AbortController();
  const timer = setTimeout(() => giveUp.abort(), options.readyWithinMs ?? 30_000);
  void exited.then(() => giveUp.abort());
  const ready = await waitForHub(options.hubUrl, { signal: giveUp.signal, intervalMs: 50 });
  clearTimeout(timer);
  if (!ready) {
    if (!hasExited) child.kill('SIGKILL');
    await exited;
    throw new Error(`the hub did not become ready at ${options.hubUrl}${hasExited ? ' (it exited)' : ''}; its output:\n${output}`);
  }
  return {
    pid: child.pid!,
    exited,
    output: () => output,
    kill: async () => {
      if (!hasExited) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (!hasExited) child.kill('SIGTERM');
      return exited;
    },
  };
}
