import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorRenderer } from '../kit/index.ts';

/** Stripe's error `type` values (https://docs.stripe.com/api/errors). */
export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error';

export interface StripeErrorBody {
  error: {
    type: StripeErrorType;
    message: string;
    code?: string;
    param?: string;
    decline_code?: string;
    doc_url?: string;
  };
}

/**
 * An error answered in Stripe's shape. `stored` says whether an idempotency key keeps it:
 * Stripe saves the result once the endpoint has begun executing, but not when the parameters
 * fail validation (https://docs.stripe.com/api/idempotent_requests).
 */
export class StripeApiError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly declineCode: string | undefined;
  readonly stored: boolean;
  readonly headers: Record<string, string>;

  constructor(options: {
    status: number;
    type: StripeErrorType;
    message: string;
    code?: string;
    param?: string;
    declineCode?: string;
    stored?: boolean;
    headers?: Record<string, string>;
  }) {
    super(options.message);
    this.name = 'StripeApiError';
    this.status = options.status;
    this.type = options.type;
    this.code = options.code;
    this.param = options.param;
    this.declineCode = options.declineCode;
    this.stored = options.stored ?? true;
    this.headers = options.headers ?? {};
  }

  toBody(): StripeErrorBody {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.code ? { code: this.code, doc_url: `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}` } : {}),
        ...(this.param ? { param: this.param } : {}),
        ...(this.declineCode ? { decline_code: this.declineCode } : {}),
      },
    };
  }
}

/** A parameter error: 400 invalid_request_error naming the parameter, never stored for idempotency. */
export function invalidParam(param: string, message: string, code = 'parameter_invalid'): StripeApiError {
  return new StripeApiError({ status: 400, type: 'invalid_request_error', message, code, param, stored: false });
}

export function resourceMissing(objectName: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError({
    status: 404,
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${objectName}: '${id}'`,
    param,
  });
}

export const RATE_LIMIT_MESSAGE =
  'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.';

export const renderStripeError: ErrorRenderer = (status) => {
  if (status === 429) {
    return { body: { error: { type: 'invalid_request_error', code: 'rate_limit', message: RATE_LIMIT_MESSAGE } } };
  }
  return {
    body: {
      error: {
        type: 'api_error',
        message: 'An unknown error occurred while processing your request. Please try again later.',
      },
    },
  };
};

export function installStripeErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | StripeApiError, _request, reply) => {
    if (error instanceof StripeApiError) {
      return reply.code(error.status).headers(error.headers).send(error.toBody());
    }
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const body: StripeErrorBody =
      status < 500
        ? { error: { type: 'invalid_request_error', message: error.message } }
        : { error: { type: 'api_error', message: 'An unknown error occurred while processing your request.' } };
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${request.method}: ${request.url.split('?')[0]}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      },
    } satisfies StripeErrorBody),
  );
}
