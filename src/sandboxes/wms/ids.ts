/** Sequential, prefixed ids (`fo_000001`): readable in tests and stable for a given run. */
export class IdSequence {
  private next = 1;
  constructor(private readonly prefix: string) {}

  take(): string {
    return `${this.prefix}_${String(this.next++).padStart(6, '0')}`;
  }

  reset(): void {
    this.next = 1;
  }
}

/** Opaque cursor over an insertion-ordered collection: base64url of the last id returned. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

export function decodeCursor(cursor: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { after?: unknown };
    return typeof parsed.after === 'string' ? parsed.after : undefined;
  } catch {
    return undefined;
  }
}

/** One page of `items` after the cursor's id. */
export function pageAfter<T extends { id: string }>(
  items: T[],
  options: { limit: number; cursor?: string },
): { data: T[]; nextCursor: string | null } | undefined {
  let start = 0;
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    const index = after === undefined ? -1 : items.findIndex((item) => item.id === after);
    if (index < 0) return undefined;
    start = index + 1;
  }
  const data = items.slice(start, start + options.limit);
  const last = data[data.length - 1];
  const hasMore = start + options.limit < items.length;
  return { data, nextCursor: hasMore && last ? encodeCursor(last.id) : null };
}
