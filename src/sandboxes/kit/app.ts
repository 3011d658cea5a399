import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createFaultController, InvalidFaultConfigError, planFaults } from './faults.ts';
import { parseFormBody } from './form.ts';
import { seededRandom } from './random.ts';
import type { FaultController, SandboxOptions } from './types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, for signature checks (a re-serialised body would not match). */
    rawBody?: string;
  }
}

/** Admin routes live under this prefix and are never subject to faults or limits. */
export const ADMIN_PREFIX = '/__sandbox/';

/** A 429 without a renderer-supplied Retry-After gets this many seconds. */
const DEFAULT_RETRY_AFTER_SECONDS = '1';

/**
 * Creates the Fastify app of a sandbox with fault injection on every non-admin route and the
 * admin routes (`/__sandbox/state`, `/reset`, `/faults`, `/limits`). The sandbox adds its own
 * routes to `app`, then starts it with `startSandbox`.
 *
 * @example
 * const { app, faults } = createSandboxApp({
 *   name: 'wms', seed: 7, renderError: (status) => ({ body: { error: { code: String(status) } } }),
 *   snapshot: () => store.snapshot(), reset: () => store.reset(),
 * });
 * app.get('/v1/stock', async () => store.stock());
 */
export function createSandboxApp(options: SandboxOptions): { app: FastifyInstance; faults: FaultController } {
  // An emulator that closes drops every connection at once: with Fastify's default only idle ones
  // are closed, and a request still being served at close (say, a poll the hub aborted while the
  // sandbox was answering it) keeps its keep-alive socket open for keepAliveTimeout (72 s), so
  // close() took that long and tests tearing down a world timed out in their hooks.
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true });
  const faults = createFaultController(options.faults ?? {});
  const random = seededRandom(options.seed ?? Date.now());
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;

  registerRawBodyParsers(app);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith(ADMIN_PREFIX)) return;
    const plan = planFaults(faults.get(), random, clock());
    if (plan.delayMs > 0) await sleep(plan.delayMs);
    if (!plan.fail) return;
    const { status, reason } = plan.fail;
    const rendered = options.renderError(status, reason);
    const headers = { ...rendered.headers };
    if (status === 429 && !Object.keys(headers).some((name) => name.toLowerCase() === 'retry-after')) {
      headers['Retry-After'] = DEFAULT_RETRY_AFTER_SECONDS;
    }
    return reply.code(status).headers(headers).send(rendered.body);
  });

  app.get(`${ADMIN_PREFIX}state`, async () => options.snapshot());
  app.post(`${ADMIN_PREFIX}reset`, async () => {
    options.reset();
    return { reset: true };
  });
  app.get(`${ADMIN_PREFIX}faults`, async () => faults.get());
  app.put(`${ADMIN_PREFIX}faults`, async (request, reply) => {
    try {
      faults.set((request.body ?? {}) as never);
      return faults.get();
    } catch (error) {
      if (!(error instanceof InvalidFaultConfigError)) throw error;
      return reply.code(400).send({ error: { code: 'invalid_fault_config', message: error.message, field: error.field } });
    }
  });
  app.get(`${ADMIN_PREFIX}limits`, async () => options.limits?.() ?? {});

  return { app, faults };
}

/**
 * JSON and form bodies are parsed as usual, and the exact text is kept on `request.rawBody`.
 * Form bodies (OAuth token requests, Stripe) become objects, with Stripe-style bracket keys
 * nested. Any other content type is kept as text.
 */
function registerRawBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parseJson = (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => {
    const text = String(body);
    request.rawBody = text;
    if (text.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const error = new Error('Body is not valid JSON') as Error & { statusCode: number };
      error.statusCode = 400;
      done(error, undefined);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  // The `+json` vendor types, e.g. `application/vnd.oracle.resource+json`.
  app.addContentTypeParser(/^application\/[\w.-]+\+json/, { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    request.rawBody = text;
    done(null, parseFormBody(text));
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = String(body);
    done(null, String(body));
  });
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
