import { openSqlite, type EmbeddedAdapters } from '../adapters/sqlite/index.ts';
import type { CrossdockConfig } from '../config/schema.ts';
import { CliError, ExitCode } from './io.ts';

/**
 * Opens the Storage and Bus adapters the configuration names. Only the embedded (SQLite)
 * adapters exist in this release; a configuration naming Postgres or NATS is valid but cannot
 * run yet, which is said plainly rather than silently falling back to SQLite.
 */
export async function openConfiguredAdapters(config: CrossdockConfig): Promise<EmbeddedAdapters> {
  if (config.storage.kind !== 'sqlite') {
    throw new CliError(
      'storage.kind: "postgres" is a valid setting, but the Postgres adapter arrives in a later release; use { kind: sqlite } for now',
      ExitCode.config,
    );
  }
  if (config.bus.kind !== 'embedded') {
    throw new CliError(
      'bus.kind: "nats" is a valid setting, but the NATS JetStream adapter arrives in a later release; use { kind: embedded } for now',
      ExitCode.config,
    );
  }
  return openSqlite({ path: config.storage.path, durability: config.storage.durability });
}
