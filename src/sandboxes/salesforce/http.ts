import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestToken } from './auth/token-endpoint.ts';
import type { Session } from './auth/sessions.ts';
import { invalidSession, notFound, requestLimitExceeded } from './errors.ts';
import type { SalesforceOrg } from './org.ts';
import { isPlainObject } from './rest/records.ts';
import { routeRestCall } from './rest/router.ts';
import type { RestResult } from './rest/types.ts';
import { isSupportedVersion, listVersions } from './rest/versions.ts';

const JSON_TYPE = 'application/json;charset=UTF-8';

/** The sandbox's own base URL as the client reached it (instance_url and the JWT audience). */
function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.hostname}`;
}

function send(reply: FastifyReply, result: RestResult, extraHeaders: Record<string, string> = {}): FastifyReply {
  reply.code(result.status).headers({ ...extraHeaders, ...result.headers });
  if (result.status === 204 || result.body === undefined) return reply.send();
  if (result.contentType) return reply.header('content-type', result.contentType).send(String(result.body));
  return reply.header('content-type', JSON_TYPE).send(JSON.stringify(result.body));
}

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function authenticate(org: SalesforceOrg, request: FastifyRequest): Session | undefined {
  const token = bearerToken(request);
  return token ? org.sessions.resolve(token, org.clock()) : undefined;
}

/** Path segments after `/services/data/vXX.X/`, decoded; one trailing slash is ignored. */
function pathSegments(url: string): { version: string; path: string[] } {
  const pathname = url.split('?')[0] ?? '';
  const [, , , versionPart = '', ...rest] = pathname.split('/');
  if (rest[rest.length - 1] === '') rest.pop();
  return { version: versionPart.replace(/^v/, ''), path: rest.map((segment) => decodeURIComponent(segment)) };
}

function lowerCaseHeaders(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * Registers the Salesforce wire surface on a Fastify app: the OAuth token endpoint, the identity
 * URL, and the REST API under `/services/data/`, with session checks, the daily allocation and
 * the `Sforce-Limit-Info` header on every REST response.
 */
export function registerSalesforceRoutes(app: FastifyInstance, org: SalesforceOrg): void {
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    const errorCode = status === 400 ? 'JSON_PARSER_ERROR' : status === 413 ? 'REQUEST_TOO_LARGE' : 'UNKNOWN_EXCEPTION';
    return send(reply, { status, body: [{ message: error.message ?? 'Unexpected error', errorCode }] });
  });
  app.setNotFoundHandler((_request, reply) => send(reply, { status: 404, body: notFound().toBody() }));

  app.post('/services/oauth2/token', async (request, reply) => {
    const params = isPlainObject(request.body) ? request.body : {};
    const result = requestToken({ org, params, instanceUrl: baseUrl(request) });
    return send(reply, result);
  });

  app.post('/services/oauth2/revoke', async (request, reply) => {
    const params = isPlainObject(request.body) ? request.body : {};
    const token = typeof params.token === 'string' ? params.token : '';
    if (!org.sessions.revoke(token)) return send(reply, { status: 400, body: { error: 'unsupported_token_type', error_description: 'this token type is not supported' } });
    return reply.code(200).send();
  });

  app.get('/id/:orgId/:userId', async (request, reply) => {
    const session = authenticate(org, request);
    if (!session) return send(reply, { status: 403, body: 'Bad_OAuth_Token' });
    const base = baseUrl(request);
    return send(reply, {
      status: 200,
      body: {
        id: `${base}/id/${org.orgId}/${session.userId}`,
        user_id: session.userId,
        organization_id: org.orgId,
        username: session.username,
        display_name: session.username,
        active: true,
        user_type: 'STANDARD',
        urls: { rest: `${base}/services/data/v{version}/`, sobjects: `${base}/services/data/v{version}/sobjects/`, query: `${base}/services/data/v{version}/query/` },
      },
    });
  });

  // The versions resource needs no session and doesn't count against the allocation.
  const versions = async (_request: FastifyRequest, reply: FastifyReply) => send(reply, { status: 200, body: listVersions(org.settings) });
  app.get('/services/data', versions);
  app.get('/services/data/', versions);

  const rest = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = authenticate(org, request);
    if (!session) return send(reply, { status: 401, body: invalidSession().toBody() });
    const { version, path } = pathSegments(request.url);
    if (!isSupportedVersion(org.settings, version)) return send(reply, { status: 404, body: notFound().toBody() });
    if (!org.apiUsage.take()) {
      return send(reply, { status: 403, body: requestLimitExceeded().toBody() }, { 'Sforce-Limit-Info': org.apiUsage.header() });
    }
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) query[key] = Array.isArray(value) ? String(value[0]) : String(value);
    const result = routeRestCall({
      org,
      session,
      method: request.method.toUpperCase(),
      version,
      path,
      query,
      body: request.body === '' ? undefined : request.body,
      headers: lowerCaseHeaders(request),
      now: org.clock(),
    });
    org.store.commit();
    return send(reply, result, { 'Sforce-Limit-Info': org.apiUsage.header() });
  };
  app.route({ method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], url: '/services/data/:version', handler: rest });
  app.route({ method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], url: '/services/data/:version/*', handler: rest });
}
