import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { substituteEnvironment } from './env.ts';
import { ConfigError, formatPath, type ConfigIssue } from './errors.ts';
import { lineOf } from './locate.ts';
import { checkConsoleUsers } from './console-users.ts';
import { checkOwnership } from './ownership.ts';
import { ConfigSchema, type CrossdockConfig } from './schema.ts';
import { validateAgainstSchema, type SchemaIssue } from './validate.ts';

export interface LoadConfigOptions {
  /** YAML file; omitted: every setting at its default (the embedded demo needs no file). */
  file?: string | undefined;
  /** Where `${env:NAME}` references are read; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Key paths whose values came from the environment, per loaded config (see `redactConfig`). */
const environmentPaths = new WeakMap<CrossdockConfig, readonly string[]>();

/**
 * Reads, substitutes and validates the configuration, and applies its defaults.
 * Throws a `ConfigError` listing every problem with its key path and line.
 *
 * @example
 * const config = await loadConfig({ file: 'crossdock.yaml' });
 * config.http.port; // 8080 unless the file says otherwise
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<CrossdockConfig> {
  if (options.file === undefined) return parseConfig({ text: '', env: options.env ?? process.env });
  const file = resolve(options.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(options.file, [{ path: '', message: `cannot read the configuration: ${reason}` }]);
  }
  return parseConfig({ text, file: options.file, env: options.env ?? process.env });
}

/** `loadConfig` for YAML already in memory; `file` is only used in messages. */
export function parseConfig(options: { text: string; file?: string; env?: Readonly<Record<string, string | undefined>> }): CrossdockConfig {
  const lines = new LineCounter();
  const document = parseDocument(options.text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      options.file,
      document.errors.map((error) => ({
        path: '',
        message: `YAML syntax: ${error.message.split('\n')[0]}`,
        ...(error.linePos?.[0] && { line: error.linePos[0].line }),
      })),
    );
  }
  const parsed: unknown = document.toJS() ?? {};
  const substituted = substituteEnvironment(parsed, options.env ?? process.env);
  const validated = validateAgainstSchema(ConfigSchema, substituted.value, { fromEnvironment: substituted.fromEnvironmentPaths });
  // A missing variable leaves an empty string behind: report the variable, not the emptiness.
  const reported = new Set(substituted.issues.map((issue) => formatPath(issue.path)));
  const validationIssues = validated.issues.filter((issue) => !reported.has(formatPath(issue.path)));
  const schemaIssues: SchemaIssue[] = [...substituted.issues, ...validationIssues];
  // Ownership rules are checked against the declared systems, as far as both are readable.
  const partial = validated.value as Partial<Record<'systems' | 'ownership', unknown>>;
  if (isMapping(partial.systems) && isMapping(partial.ownership) && Object.values(partial.ownership).every((owner) => typeof owner === 'string')) {
    schemaIssues.push(...checkOwnership(partial as CrossdockConfig));
  }
  const consoleUsers = (validated.value as { console?: { users?: unknown } } | null)?.console?.users;
  if (Array.isArray(consoleUsers)) schemaIssues.push(...checkConsoleUsers(consoleUsers));
  if (schemaIssues.length > 0) {
    const issues: ConfigIssue[] = schemaIssues.map((issue) => located(issue, document, lines)).sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    throw new ConfigError(options.file, issues);
  }
  const config = validated.value as CrossdockConfig;
  environmentPaths.set(config, substituted.fromEnvironment);
  return config;
}

function located(issue: SchemaIssue, document: Document, lines: LineCounter): ConfigIssue {
  const line = lineOf(document, lines, issue.path, issue.aboutKey);
  return { path: formatPath(issue.path), message: issue.message, ...(line !== undefined && { line }) };
}

/** Keys whose values are credentials wherever they appear (connector settings, URLs). */
const SECRET_KEY = /(password|passphrase|secret|token|apikey|api_key|privatekey|private_key|credential|signing|consumerkey)/i;

/**
 * A copy of the configuration that is safe to log: values taken from the environment, API keys,
 * secret-looking connector settings and credentials inside URLs are replaced by `[redacted]`.
 */
export function redactConfig(config: CrossdockConfig): unknown {
  const fromEnvironment = new Set(environmentPaths.get(config) ?? []);
  const visit = (value: unknown, path: string[]): unknown => {
    const dotted = path.join('.');
    const key = path[path.length - 1] ?? '';
    if (fromEnvironment.has(dotted) || (path.length > 0 && SECRET_KEY.test(key) && value !== null && typeof value !== 'object')) return '[redacted]';
    if (Array.isArray(value)) return value.map((item, index) => (fromEnvironment.has(`${dotted}[${index}]`) ? '[redacted]' : visit(item, [...path, String(index)])));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, visit(item, [...path, name])]));
    if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(value)) return value.replace(/\/\/[^/@\s]+@/, '//[redacted]@');
    return value;
  };
  const copy = visit(config, []) as Record<string, unknown>;
  const inbound = copy.inbound as { apiKeys: unknown[] };
  inbound.apiKeys = inbound.apiKeys.map(() => '[redacted]');
  return copy;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
