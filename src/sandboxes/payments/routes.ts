import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { secretKeyOf } from './access.ts';
import { StripeApiError } from './errors.ts';
import type { IdempotencyStore } from './idempotency.ts';
import type { PaymentLedger } from './ledger.ts';
import { listPage } from './lists.ts';
import type { Params } from './params.ts';

/** The API version stripe-node v18.5 pins; echoed when the client sends none. */
export const DEFAULT_STRIPE_VERSION = '2025-08-27.basil';

export interface PaymentsParts {
  ledger: PaymentLedger;
  idempotency: IdempotencyStore;
  newRequestId: () => string;
}

export function registerPaymentsRoutes(app: FastifyInstance, parts: PaymentsParts): void {
  const { ledger, idempotency, newRequestId } = parts;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('Request-Id', newRequestId());
    const version = request.headers['stripe-version'];
    reply.header('Stripe-Version', typeof version === 'string' ? version : DEFAULT_STRIPE_VERSION);
  });

  /**
   * A write endpoint with Stripe's idempotency: the first result for an `Idempotency-Key` is
   * saved and replayed; the same key with other parameters is an `idempotency_error`.
   */
  const write = (path: string, run: (params: Params, request: FastifyRequest) => unknown) => {
    app.post(path, async (request: FastifyRequest, reply: FastifyReply) => {
      const params = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Params;
      const header = request.headers['idempotency-key'];
      const key = typeof header === 'string' && header.length > 0 ? header : undefined;
      if (!key) return run(params, request);

      const scope = { apiKey: secretKeyOf(request), key, endpoint: `POST ${request.url.split('?')[0]}`, params };
      const found = idempotency.lookup(scope);
      reply.header('Idempotency-Key', key);
      if (found.kind === 'replay') {
        return reply
          .code(found.response.status)
          .headers({ 'Idempotent-Replayed': 'true', 'Original-Request': found.response.requestId })
          .send(found.response.body);
      }
      const requestId = String(reply.getHeader('Request-Id'));
      try {
        const body = run(params, request);
        idempotency.save({ ...scope, response: { status: 200, body, requestId } });
        return body;
      } catch (error) {
        if (error instanceof StripeApiError && error.stored) {
          idempotency.save({ ...scope, response: { status: error.status, body: error.toBody(), requestId } });
        }
        throw error;
      }
    });
  };

  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
  const queryOf = (request: FastifyRequest) => request.query as Record<string, unknown>;

  write('/v1/payment_intents', (params) => ledger.createPaymentIntent(params));
  write('/v1/payment_intents/:id/confirm', (params, request) => ledger.confirm(idOf(request), params));
  app.get('/v1/payment_intents/:id', async (request) => ledger.paymentIntent(idOf(request)));
  app.get('/v1/payment_intents', async (request) =>
    listPage(ledger.listPaymentIntents(), queryOf(request), '/v1/payment_intents'),
  );

  app.get('/v1/charges/:id', async (request) => ledger.charge(idOf(request)));

  write('/v1/refunds', (params) => ledger.createRefund(params));
  app.get('/v1/refunds/:id', async (request) => ledger.refund(idOf(request)));
  app.get('/v1/refunds', async (request) => {
    const query = queryOf(request);
    const filter = {
      ...(typeof query.payment_intent === 'string' ? { paymentIntent: query.payment_intent } : {}),
      ...(typeof query.charge === 'string' ? { charge: query.charge } : {}),
    };
    return listPage(ledger.listRefunds(filter), query, '/v1/refunds');
  });
}
