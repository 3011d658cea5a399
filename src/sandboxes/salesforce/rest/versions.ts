import type { OrgSettings } from '../org.ts';

/**
 * `GET /services/data/`: the API versions the org serves, with their release names. Version 31.0
 * was Summer '14; three releases a year (Winter, Spring, Summer) since.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
 */
export function releaseLabel(version: number): string {
  const k = version - 31;
  const season = ['Summer', 'Winter', 'Spring'][k % 3] as string;
  const year = 14 + Math.floor((k + 2) / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

export function listVersions(settings: OrgSettings): { label: string; url: string; version: string }[] {
  const out = [];
  for (let v = settings.minApiVersion; v <= settings.maxApiVersion; v++) {
    out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

export function isSupportedVersion(settings: OrgSettings, version: string): boolean {
  if (!/^\d+\.0$/.test(version)) return false;
  const v = Number(version);
  return v >= settings.minApiVersion && v <= settings.maxApiVersion;
}

/** `GET /services/data/vXX.X/`: the resources available in that version. */
export function versionResources(version: string): Record<string, string> {
  const base = `/services/data/v${version}`;
  return {
    sobjects: `${base}/sobjects`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    composite: `${base}/composite`,
    limits: `${base}/limits`,
  };
}
