import { formatPath, type ConfigPath } from './errors.ts';

/**
 * `${env:NAME}` or `${env:NAME:-fallback}` anywhere inside a string value; `$${` is a literal
 * `${`. As in POSIX shells, the fallback is used when the variable is unset or empty.
 */
const REFERENCE = /\$\$\{|\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{([^}]*)\}/g;

export interface Substituted {
  value: unknown;
  issues: { path: ConfigPath; message: string }[];
  /** Key paths whose value came (at least partly) from the environment: treated as secrets. */
  fromEnvironment: string[];
  /** Raw path segments of the same, for the validator. */
  fromEnvironmentPaths: ConfigPath[];
}

/** Replaces environment references in every string of a parsed YAML document. */
export function substituteEnvironment(document: unknown, env: Readonly<Record<string, string | undefined>>): Substituted {
  const result: Substituted = { value: undefined, issues: [], fromEnvironment: [], fromEnvironmentPaths: [] };
  const visit = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') return substituteString(value, path);
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]));
    }
    return value;
  };
  const substituteString = (text: string, path: (string | number)[]): string => {
    if (!text.includes('${')) return text;
    let used = false;
    const replaced = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined, other: string | undefined) => {
      if (match === '$${') return '${';
      if (other !== undefined) {
        result.issues.push({
          path,
          message: `"\${${other}}" is not a valid reference; write \${env:NAME} or \${env:NAME:-default} (use $\${ for a literal \${)`,
        });
        return match;
      }
      used = true;
      const present = env[name!];
      if (present !== undefined && (present !== '' || fallback === undefined)) return present;
      if (fallback !== undefined) return fallback;
      result.issues.push({ path, message: `environment variable ${name} is not set (referenced as \${env:${name}})` });
      return '';
    });
    if (used) {
      result.fromEnvironment.push(formatPath(path));
      result.fromEnvironmentPaths.push(path);
    }
    return replaced;
  };
  result.value = visit(document, []);
  return result;
}
