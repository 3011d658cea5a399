import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ConsoleErrorCode, ConsoleErrorSchema, sendError } from '../errors.ts';
import { SESSION_COOKIE, sessionOf, CSRF_HEADER } from './guard.ts';
import { hashConsolePassword, verifyConsolePassword } from './passwords.ts';
import { ConsoleRole, type ConsoleUser } from './roles.ts';
import { LoginThrottle } from './login-throttle.ts';
import { newToken, type ConsoleSessionStore } from './sessions.ts';

export const MeSchema = Type.Object(
  {
    user: Type.String(),
    role: Type.Enum(ConsoleRole),
    csrfToken: Type.String({ description: `Send it as the ${CSRF_HEADER} header on every POST.` }),
    personalDataMasked: Type.Boolean({ description: 'True for viewers: every payload they receive is masked.' }),
    expiresAt: Type.Number({ description: 'When the session ends (ms since epoch).' }),
  },
  { $id: 'ConsoleMe' },
);

const LoginBody = Type.Object({
  user: Type.String({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

export interface AuthRoutesOptions {
  users: readonly ConsoleUser[];
  sessions: ConsoleSessionStore;
  sessionTtlMs: number;
  secureCookie: boolean;
  clock: () => number;
  apiPrefix: string;
  /** Failed logins per user name before it is locked for the window; default 10 in 15 min. */
  loginThrottle?: LoginThrottle;
}

/** `POST login`, `POST logout`, `GET me`. */
export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const users = new Map(options.users.map((user) => [user.name, user]));
  // An unknown user name is checked against a throw-away hash, so the answer takes as long as
  // for a known user with a wrong password and does not reveal which names exist.
  const decoyHash = hashConsolePassword(newToken());
  const throttle = options.loginThrottle ?? new LoginThrottle({ maxFailures: 10, windowMs: 15 * 60_000, clock: options.clock });
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: options.secureCookie, signed: true } as const;

  api.post(
    `${options.apiPrefix}login`,
    { schema: { summary: 'Log in to the console', body: LoginBody, response: { 200: MeSchema, 401: ConsoleErrorSchema, 429: ConsoleErrorSchema } } },
    async (request, reply) => {
      const { user: name, password } = request.body;
      const blockedMs = throttle.blockedForMs(name);
      if (blockedMs > 0) {
        const seconds = Math.ceil(blockedMs / 1000);
        reply.header('retry-after', String(seconds));
        return sendError(reply, 429, ConsoleErrorCode.tooManyAttempts, `too many failed logins for this user: try again in ${Math.ceil(seconds / 60)} min, or ask an admin`);
      }
      const user = users.get(name);
      const valid = await verifyConsolePassword(password, user?.passwordHash ?? (await decoyHash));
      if (!user || !valid) {
        throttle.failed(name);
        return sendError(reply, 401, ConsoleErrorCode.invalidCredentials, 'the user name or the password is not correct');
      }
      throttle.succeeded(name);
      const now = options.clock();
      const session = { id: newToken(), user: user.name, role: user.role, csrfToken: newToken(), createdAt: now, expiresAt: now + options.sessionTtlMs };
      options.sessions.create(session);
      reply.setCookie(SESSION_COOKIE, session.id, { ...cookieOptions, maxAge: Math.floor(options.sessionTtlMs / 1000) });
      return { user: session.user, role: session.role, csrfToken: session.csrfToken, personalDataMasked: session.role === 'viewer', expiresAt: session.expiresAt };
    },
  );

  api.post(
    `${options.apiPrefix}logout`,
    { schema: { summary: 'Log out (ends the session on the server too)', response: { 204: Type.Null() } } },
    async (request, reply) => {
      options.sessions.delete(sessionOf(request).id);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send(null);
    },
  );

  api.get(`${options.apiPrefix}me`, { schema: { summary: 'Who is logged in, with the CSRF token', response: { 200: MeSchema } } }, async (request) => {
    const session = sessionOf(request);
    return { user: session.user, role: session.role, csrfToken: session.csrfToken, personalDataMasked: session.role === 'viewer', expiresAt: session.expiresAt };
  });
}
