import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Every console API error has this shape: a stable code to branch on and words for a person. */
export const ConsoleErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. `NOT_OPEN`.' }),
      message: Type.String({ description: 'What was wrong and what to do, in plain words.' }),
    }),
  },
  { $id: 'ConsoleError' },
);
export type ConsoleError = Static<typeof ConsoleErrorSchema>;

export const ConsoleErrorCode = {
  notLoggedIn: 'NOT_LOGGED_IN',
  invalidCredentials: 'INVALID_CREDENTIALS',
  tooManyAttempts: 'TOO_MANY_LOGIN_ATTEMPTS',
  forbidden: 'FORBIDDEN',
  csrf: 'CSRF_TOKEN_MISSING_OR_WRONG',
  notFound: 'NOT_FOUND',
  notOpen: 'NOT_OPEN',
  /** Fix and resume on an exception with nothing to edit (a failed flow, an item no longer dead). */
  notEditable: 'NOT_EDITABLE',
  /** A corrected payload the canonical schema refuses (the body names the fields). */
  invalidPayload: 'INVALID_PAYLOAD',
  /** A bulk action by filter whose confirmed count is no longer true (the body has the new count). */
  countChanged: 'COUNT_CHANGED',
  badRequest: 'BAD_REQUEST',
  internal: 'INTERNAL_ERROR',
} as const;
export type ConsoleErrorCode = (typeof ConsoleErrorCode)[keyof typeof ConsoleErrorCode];

export function sendError(reply: FastifyReply, status: number, code: ConsoleErrorCode, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } } satisfies ConsoleError);
}

/**
 * Console errors keep one shape whatever raised them: a failed schema check names the part of
 * the request and the rule ("querystring/limit must be <= 200"); an unexpected failure is logged
 * and answered without internals.
 */
export function consoleErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) {
    return sendError(reply, 400, ConsoleErrorCode.badRequest, `${error.validationContext ?? 'request'}${error.message.replace(/^(body|querystring|params|headers)/, '')}`);
  }
  const status = error.statusCode ?? 500;
  if (status < 500) return sendError(reply, status, ConsoleErrorCode.badRequest, error.message);
  request.log.error({ err: error }, 'console request failed');
  return sendError(reply, 500, ConsoleErrorCode.internal, 'the console could not answer this request; the hub log has the details');
}
