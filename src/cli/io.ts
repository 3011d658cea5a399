/** Where a CLI run reads and writes: the process's streams, or buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Where a command reads its input (`console hash-password`); default `process.stdin`. */
  stdin?: AsyncIterable<string | Uint8Array> & { isTTY?: boolean };
  /**
   * Ends a long-running command (`start`, `demo`) as Ctrl-C would. Without it, `runCli` listens
   * for SIGINT and SIGTERM itself.
   */
  signal?: AbortSignal;
}

/** Exit codes: 0 done, 1 failed or nothing found, 2 the configuration is wrong. */
export const ExitCode = { ok: 0, failed: 1, config: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the user can act on: printed as `error: <message>` without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
