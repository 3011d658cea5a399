/**
 * JSON with object keys sorted, so two equal requests compare equal whatever their key order
 * (idempotent creates: "same request again" vs "same key, different request").
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, child: unknown) =>
    child && typeof child === 'object' && !Array.isArray(child)
      ? Object.fromEntries(
          Object.entries(child as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : child,
  );
}
