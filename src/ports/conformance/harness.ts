import type { Bus } from '../bus.ts';
import type { Storage } from '../storage.ts';

/** One opened pair of adapters. */
export interface AdapterPair {
  bus: Bus;
  storage: Storage;
  close(): Promise<void>;
}

/**
 * What a conformance suite needs from an adapter: a fresh, empty instance per test, and the
 * ability to open the same data again (to prove durability across a restart).
 */
export interface AdapterFactory {
  /** A fresh, empty pair of adapters. */
  open(): Promise<AdapterPair & { reopen(): Promise<AdapterPair> }>;
}

export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
