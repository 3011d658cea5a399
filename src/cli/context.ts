import { userInfo } from 'node:os';
import type { EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import { loadConfig } from '../config/load.ts';
import type { CrossdockConfig } from '../config/schema.ts';
import { openConfiguredAdapters } from './adapters.ts';
import type { CliIo } from './io.ts';

/** What every command gets: the IO of this run and the way to its configuration. */
export class CommandContext {
  private stop: { signal: AbortSignal; dispose(): void } | undefined;

  constructor(readonly io: CliIo) {}

  /**
   * Aborts on Ctrl-C or SIGTERM (or when the caller's `io.signal` does). Listens only once a
   * long-running command asks, and once: a second Ctrl-C kills the process as usual.
   */
  stopSignal(): AbortSignal {
    if (this.stop) return this.stop.signal;
    if (this.io.signal) {
      this.stop = { signal: this.io.signal, dispose: () => undefined };
      return this.io.signal;
    }
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    this.stop = {
      signal: controller.signal,
      dispose: () => {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      },
    };
    return controller.signal;
  }

  /** Removes the signal listeners, if any; called when the run ends. */
  dispose(): void {
    this.stop?.dispose();
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** `--config`, else `CROSSDOCK_CONFIG`, else every default. */
  config(file: string | undefined): Promise<CrossdockConfig> {
    return loadConfig({ file: file ?? this.io.env.CROSSDOCK_CONFIG, env: this.io.env });
  }

  /** Opens the configured storage, runs `use`, and always closes it again. */
  async withAdapters<T>(configFile: string | undefined, use: (adapters: EmbeddedAdapters, config: CrossdockConfig) => Promise<T>): Promise<T> {
    const config = await this.config(configFile);
    const adapters = await openConfiguredAdapters(config);
    try {
      return await use(adapters, config);
    } finally {
      await adapters.close();
    }
  }

  /** The operator's name for audit entries when `--actor` is not given. */
  defaultActor(): string {
    const fromEnvironment = this.io.env.USER ?? this.io.env.USERNAME;
    if (fromEnvironment) return fromEnvironment;
    try {
      return userInfo().username;
    } catch {
      return 'unknown';
    }
  }
}
