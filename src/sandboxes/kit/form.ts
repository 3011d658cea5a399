/**
 * Parses an `application/x-www-form-urlencoded` body. Plain keys stay flat (OAuth token
 * requests: `grant_type=client_credentials&client_id=...`); bracket keys nest the way Stripe's
 * clients encode them: `metadata[order]=123` → `{ metadata: { order: '123' } }`,
 * `expand[0]=a&expand[1]=b` or `expand[]=a&expand[]=b` → `{ expand: ['a', 'b'] }`.
 * A plain key given twice becomes an array.
 */
export function parseFormBody(raw: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = splitKey(key);
    assign(result, path, value);
  }
  return Object.fromEntries(Object.entries(result).map(([key, child]) => [key, arraysFromIndexedObjects(child)]));
}

/** `a[b][0]` → ['a', 'b', '0']; `a[]` → ['a', '']. A key without brackets is one segment. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return [key];
  const segments = [key.slice(0, open)];
  const pattern = /\[([^\]]*)\]/g;
  const rest = key.slice(open);
  let consumed = 0;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    if (match.index !== consumed) return [key];
    segments.push(match[1] ?? '');
    consumed = match.index + match[0].length;
  }
  return consumed === rest.length ? segments : [key];
}

function assign(target: Record<string, unknown>, path: string[], value: string): void {
  let node: Record<string, unknown> = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] ?? '';
    const last = i === path.length - 1;
    // `a[]` appends: give it the next free index.
    const key = segment === '' && i > 0 ? String(Object.keys(node).length) : segment;
    if (last) {
      const existing = node[key];
      if (existing === undefined) node[key] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else if (typeof existing === 'string') node[key] = [existing, value];
      return;
    }
    const child = node[key];
    if (typeof child === 'object' && child !== null && !Array.isArray(child)) {
      node = child as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
}

/** Objects whose keys are exactly 0..n-1 were arrays on the client side. */
function arraysFromIndexedObjects(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([key, child]) => [key, arraysFromIndexedObjects(child)] as const,
  );
  const isIndexed = entries.length > 0 && entries.every(([key], index) => key === String(index));
  return isIndexed ? entries.map(([, child]) => child) : Object.fromEntries(entries);
}
