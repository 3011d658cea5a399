import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleRole } from './roles.ts';

export interface ConsoleSession {
  id: string;
  user: string;
  role: ConsoleRole;
  /** Sent back in `X-Crossdock-CSRF` on every state-changing request. */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

/**
 * Where console sessions live. The in-memory store suits the embedded hub (one process); a
 * restart logs everyone out. Several console processes behind a load balancer need a shared
 * store with the same three methods.
 */
export interface ConsoleSessionStore {
  create(session: ConsoleSession): void;
  get(id: string): ConsoleSession | undefined;
  delete(id: string): void;
}

export class InMemorySessionStore implements ConsoleSessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(private readonly clock: () => number = Date.now) {}

  create(session: ConsoleSession): void {
    this.sweep();
    this.sessions.set(session.id, session);
  }

  get(id: string): ConsoleSession | undefined {
    const session = this.sessions.get(id);
    if (session && session.expiresAt <= this.clock()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Expired sessions are dropped on the next login, so the map never grows without bound. */
  private sweep(): void {
    const now = this.clock();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/** 256 bits from the OS CSPRNG, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfTokenMatches(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
