/** The configuration entry point: load, validate and describe a Crossdock configuration. */
export { loadConfig, parseConfig, redactConfig, type LoadConfigOptions } from './load.ts';
export { ConfigError, type ConfigIssue } from './errors.ts';
export { ConfigSchema, BuiltInConnector, WellKnownRole, OwnedEntity } from './schema.ts';
export type { CrossdockConfig, StorageConfig, BusConfig, SystemConfig, BudgetConfig, ConsoleConfig } from './schema.ts';
