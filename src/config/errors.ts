/** A key path inside the configuration, e.g. `['systems', 'erp', 'connector']`. */
export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  /** Dotted key path, e.g. `systems.erp.connector` (empty for the document itself). */
  path: string;
  message: string;
  /** 1-based line in the file, when the YAML parser could tell. */
  line?: number;
}

/**
 * The configuration cannot be used. The message lists every issue as
 * `<file>:<line>: <key path>: <what is wrong>`, so a user can fix them all in one pass.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string | undefined,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(formatIssues(file, issues));
    this.name = 'ConfigError';
  }
}

export function formatPath(path: ConfigPath): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : segment)).join('.').replaceAll('.[', '[');
}

function formatIssues(file: string | undefined, issues: readonly ConfigIssue[]): string {
  const where = file ?? 'configuration';
  const lines = issues.map((issue) => {
    const location = issue.line !== undefined ? `${where}:${issue.line}` : where;
    return `  ${location}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
  });
  return `invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`;
}
