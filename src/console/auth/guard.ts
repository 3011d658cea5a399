import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleErrorCode, sendError } from '../errors.ts';
import { hasRole, type ConsoleRole } from './roles.ts';
import { csrfTokenMatches, type ConsoleSession, type ConsoleSessionStore } from './sessions.ts';

export const SESSION_COOKIE = 'crossdock_console';
export const CSRF_HEADER = 'x-crossdock-csrf';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in console user's session; set for every console API route except login. */
    consoleSession: ConsoleSession | null;
  }
}

export function sessionFromCookie(request: FastifyRequest, sessions: ConsoleSessionStore): ConsoleSession | undefined {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  return sessions.get(unsigned.value);
}

/**
 * Every console API route needs a session, except those listed in `publicPaths`. A
 * state-changing request also needs the session's CSRF token in `X-Crossdock-CSRF`: the
 * SameSite=Strict cookie already keeps other sites out in current browsers, and the header
 * (which a cross-site form cannot set) holds for older ones and misconfigured proxies.
 */
export function installSessionGuard(app: FastifyInstance, options: { sessions: ConsoleSessionStore; apiPrefix: string; publicPaths: readonly string[] }): void {
  app.decorateRequest('consoleSession', null);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith(options.apiPrefix) || options.publicPaths.includes(path)) return;
    const session = sessionFromCookie(request, options.sessions);
    if (!session) return sendError(reply, 401, ConsoleErrorCode.notLoggedIn, 'you are not logged in (or your session expired): log in again');
    if (STATE_CHANGING.has(request.method) && !csrfTokenMatches(request.headers[CSRF_HEADER], session.csrfToken)) {
      return sendError(reply, 403, ConsoleErrorCode.csrf, `this request changes something and needs the ${CSRF_HEADER} header from GET /api/console/me`);
    }
    request.consoleSession = session;
  });
}

/** A preHandler that lets only `role` and above through. */
export function requireRole(role: ConsoleRole) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = request.consoleSession;
    if (!session || !hasRole(session.role, role)) {
      return sendError(reply, 403, ConsoleErrorCode.forbidden, `this needs the ${role} role; you are logged in as ${session?.user ?? 'nobody'} (${session?.role ?? 'no role'})`);
    }
  };
}

/** The session of a request that passed the guard. */
export function sessionOf(request: FastifyRequest): ConsoleSession {
  if (!request.consoleSession) throw new Error('console route reached without a session: is the guard installed?');
  return request.consoleSession;
}
