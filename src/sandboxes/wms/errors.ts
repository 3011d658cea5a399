import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorRenderer } from '../kit/index.ts';

/** The WMS error body: `{ error: { code, message, field? } }`. */
export interface WmsErrorBody {
  error: { code: string; message: string; field?: string };
}

/** A request the WMS refuses; rendered as its JSON error body with `status`. */
export class WmsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'WmsError';
  }

  toBody(): WmsErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export const renderWmsError: ErrorRenderer = (status, reason) => {
  if (status === 429) {
    return {
      body: { error: { code: 'rate_limited', message: 'Too many requests; retry after the Retry-After delay.' } },
      headers: { 'Retry-After': '1' },
    };
  }
  const message =
    reason === 'downtime'
      ? 'The warehouse API is down for maintenance.'
      : status === 503
        ? 'The warehouse API is temporarily unavailable.'
        : 'Internal server error.';
  return { body: { error: { code: status === 500 ? 'internal_error' : 'service_unavailable', message } } };
};

/** Turns WmsErrors and schema validation failures into the WMS error body. */
export function installWmsErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | WmsError, _request, reply) => {
    if (error instanceof WmsError) {
      return reply.code(error.status).headers(error.headers).send(error.toBody());
    }
    const first = error.validation?.[0];
    if (first) {
      const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
      const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const field = [path, missing].filter(Boolean).join('.');
      const subject = field || error.validationContext || 'request';
      const message = missing ? `${subject} is required.` : `${subject} ${first.message ?? 'is invalid'}.`;
      const body: WmsErrorBody = { error: { code: 'validation_error', message, ...(field ? { field } : {}) } };
      return reply.code(400).send(body);
    }
    const status = error.statusCode ?? 500;
    return reply
      .code(status)
      .send({ error: { code: status >= 500 ? 'internal_error' : 'bad_request', message: error.message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url}` } }),
  );
}
