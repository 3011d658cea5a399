/** Shopify global ids: `gid://shopify/Order/123` (https://shopify.dev/docs/api/usage/gids). */
export function gid(type: string, id: number, query?: Record<string, number>): string {
  const suffix = query ? `?${Object.entries(query).map(([key, value]) => `${key}=${value}`).join('&')}` : '';
  return `gid://shopify/${type}/${id}${suffix}`;
}

/** The numeric id of a gid of the given type, or null if it is not one. */
export function parseGid(value: unknown, type: string): number | null {
  if (typeof value !== 'string') return null;
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(value);
  if (!match || match[1] !== type) return null;
  return Number(match[2]);
}

/** Type and numeric id of any gid (for `node(id:)`). */
export function splitGid(value: unknown): { type: string; id: number } | null {
  if (typeof value !== 'string') return null;
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(value);
  return match ? { type: match[1] as string, id: Number(match[2]) } : null;
}
