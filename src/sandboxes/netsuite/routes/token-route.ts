import type { FastifyInstance } from 'fastify';
import type { M2MTokenService } from '../auth/oauth2.ts';
import { TOKEN_PATH } from '../auth/oauth2.ts';

/**
 * The OAuth 2.0 token endpoint (client credentials with a JWT assertion). Errors follow RFC 6749
 * section 5.2 (`{ "error": "invalid_client" }` with 400), as OAuth clients expect from it.
 */
export function registerTokenRoute(app: FastifyInstance, tokens: M2MTokenService | undefined): void {
  app.post(TOKEN_PATH, async (request, reply) => {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      return reply.code(400).send({ error: 'invalid_request', error_description: 'The body must be application/x-www-form-urlencoded.' });
    }
    if (!tokens) return reply.code(400).send({ error: 'unauthorized_client', error_description: 'OAuth 2.0 is not enabled for this account.' });
    const outcome = tokens.issue((request.body ?? {}) as Record<string, unknown>);
    if (!outcome.ok) {
      return reply.code(400).header('Cache-Control', 'no-store').send({ error: outcome.error.error, error_description: outcome.error.description });
    }
    return reply.header('Cache-Control', 'no-store').send(outcome.token);
  });
}
