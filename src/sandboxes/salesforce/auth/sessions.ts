import { randomBytes } from 'node:crypto';

export interface Session {
  accessToken: string;
  username: string;
  userId: string;
  clientId: string;
  issuedAt: number;
  lastUsed: number;
}

/**
 * Access tokens of the sandbox org. A session ends after `timeoutMs` without use (Salesforce's
 * session timeout, 2 hours by default, counts inactivity), when revoked, or when an operator
 * expires all sessions (to exercise "token expired mid-run").
 * https://help.salesforce.com/s/articleView?id=sf.admin_sessions.htm
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #orgId: string;
  timeoutMs: number;

  constructor(args: { orgId: string; timeoutMs: number }) {
    this.#orgId = args.orgId;
    this.timeoutMs = args.timeoutMs;
  }

  issue(args: { username: string; userId: string; clientId: string; now: number }): Session {
    // Real tokens look like "00D...!AQ..." : the org id, "!", then an opaque part.
    const accessToken = `${this.#orgId.slice(0, 15)}!AQ${randomBytes(48).toString('base64url')}`;
    const session: Session = {
      accessToken,
      username: args.username,
      userId: args.userId,
      clientId: args.clientId,
      issuedAt: args.now,
      lastUsed: args.now,
    };
    this.#sessions.set(accessToken, session);
    return session;
  }

  /** The live session of a token, refreshing its inactivity clock; undefined when expired. */
  resolve(accessToken: string, now: number): Session | undefined {
    const session = this.#sessions.get(accessToken);
    if (!session) return undefined;
    if (now - session.lastUsed > this.timeoutMs) {
      this.#sessions.delete(accessToken);
      return undefined;
    }
    session.lastUsed = now;
    return session;
  }

  revoke(accessToken: string): boolean {
    return this.#sessions.delete(accessToken);
  }

  expireAll(): number {
    const count = this.#sessions.size;
    this.#sessions.clear();
    return count;
  }

  get size(): number {
    return this.#sessions.size;
  }
}
