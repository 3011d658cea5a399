import type { CliIo } from './io.ts';

/** A `CliIo` whose output is kept in strings, for in-process CLI tests. */
export function bufferedIo(env: Record<string, string | undefined> = {}, signal?: AbortSignal): CliIo & { output(): string; errors(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
    ...(signal && { signal }),
    output: () => out,
    errors: () => err,
  };
}
