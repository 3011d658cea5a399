import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createSandboxApp, seededRandom } from '../kit/index.ts';
import type { FaultConfig, FaultController } from '../kit/index.ts';
import { authenticate } from './auth/authenticate.ts';
import type { M2MCertificateMapping } from './auth/oauth2.ts';
import { M2MTokenService, TOKEN_PATH } from './auth/oauth2.ts';
import type { TbaCredentials } from './auth/oauth1.ts';
import { TbaVerifier } from './auth/tba.ts';
import { NetSuiteApiError, concurrencyLimitExceeded, invalidContent, invalidLogin, problemBody, renderInjectedFault } from './errors.ts';
import type { ServiceLatency } from './governance.ts';
import { AccountGovernance, DEFAULT_SERVICE_LATENCY, accountConcurrencyLimit } from './governance.ts';
import { RecordService } from './records/service.ts';
import { RecordStore } from './records/store.ts';
import type { AccountContext } from './routes/context.ts';
import { registerQueryRoutes } from './routes/query-routes.ts';
import { registerRecordRoutes } from './routes/record-routes.ts';
import { registerTokenRoute } from './routes/token-route.ts';
import { seedDemoAccount } from './seed.ts';

export interface NetSuiteSandboxOptions {
  /** NetSuite account id (the TBA realm), e.g. 1234567 or 1234567_SB1. */
  accountId?: string;
  port?: number;
  host?: string;
  /** Base URL clients use, when the sandbox sits behind a proxy (links, Location, TBA base string). */
  publicUrl?: string;
  /** Integration + access token pairs accepted for Token-Based Authentication. */
  tba?: Omit<TbaCredentials, 'accountId'>[];
  timestampToleranceSeconds?: number;
  /** OAuth 2.0 client credentials (M2M): certificates mapped to integrations. */
  oauth2?: { mappings: M2MCertificateMapping[]; accessTokenTtlSeconds?: number };
  /** Account concurrency: base limit (5, standard tier) + 10 per SuiteCloud Plus license. */
  concurrency?: { baseLimit?: number; suiteCloudPlusLicenses?: number };
  /** Service time while a request holds a concurrency slot; tests set it to zero. */
  latency?: Partial<ServiceLatency>;
  faults?: FaultConfig;
  seed?: number;
  /** Seed a small demo account (locations, items with stock, customers); default true. */
  demoData?: boolean;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Well-known credentials of the sandbox account, used when none are configured. */
export const SANDBOX_TBA_CREDENTIALS: Omit<TbaCredentials, 'accountId'> = {
  consumerKey: 'crossdock-sandbox-consumer-key',
  consumerSecret: 'crossdock-sandbox-consumer-secret',
  tokenId: 'crossdock-sandbox-token-id',
  tokenSecret: 'crossdock-sandbox-token-secret',
};

export interface NetSuiteAccount {
  accountId: string;
  app: FastifyInstance;
  faults: FaultController;
  records: RecordService;
  governance: AccountGovernance;
}

/** Builds the Fastify app of a sandboxed NetSuite account (not listening yet). */
export function createNetSuiteApp(options: NetSuiteSandboxOptions = {}): NetSuiteAccount {
  const accountId = options.accountId ?? '1234567';
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const store = new RecordStore(clock);
  const records = new RecordService(store);
  const demoData = options.demoData ?? true;
  if (demoData) seedDemoAccount(records);
  const tba = new TbaVerifier({
    accountId,
    credentials: options.tba ?? [SANDBOX_TBA_CREDENTIALS],
    clock,
    ...(options.timestampToleranceSeconds !== undefined ? { timestampToleranceSeconds: options.timestampToleranceSeconds } : {}),
  });
  const oauth2 = options.oauth2
    ? new M2MTokenService({ mappings: options.oauth2.mappings, clock, ...(options.oauth2.accessTokenTtlSeconds !== undefined ? { accessTokenTtlSeconds: options.oauth2.accessTokenTtlSeconds } : {}) })
    : undefined;
  const governance = new AccountGovernance({
    limit: accountConcurrencyLimit(options.concurrency ?? {}),
    latency: { ...DEFAULT_SERVICE_LATENCY, ...options.latency },
    random: seededRandom((options.seed ?? 1) + 7919),
    sleep,
    clock,
  });

  const { app, faults } = createSandboxApp({
    name: 'netsuite',
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    clock,
    sleep,
    renderError: renderInjectedFault,
    snapshot: () => ({ accountId, records: store.snapshot() }),
    reset: () => {
      store.reset();
      tba.reset();
      oauth2?.reset();
      governance.resetCounters();
      if (demoData) seedDemoAccount(records);
    },
    limits: () => ({ ...governance.stats(), latency: { ...DEFAULT_SERVICE_LATENCY, ...options.latency } }),
  });

  const baseUrl = (request: FastifyRequest): string =>
    options.publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.headers.host ?? 'localhost'}`;
  const context: AccountContext = { accountId, records, governance, clock, baseUrl };
  const holdsSlot = new WeakSet<FastifyRequest>();
  const governed = (request: FastifyRequest): boolean => request.url.startsWith('/services/rest/') && !request.url.startsWith(TOKEN_PATH);
  const release = async (request: FastifyRequest): Promise<void> => {
    if (holdsSlot.delete(request)) governance.leave();
  };

  app.addHook('onRequest', async (request) => {
    if (!governed(request)) return;
    if (!governance.tryEnter()) throw concurrencyLimitExceeded();
    holdsSlot.add(request);
  });
  app.addHook('preHandler', async (request, reply) => {
    if (!governed(request)) return;
    const outcome = authenticate({ request, accountId, tba, oauth2, ...(options.publicUrl ? { publicOrigin: new URL(options.publicUrl).origin } : {}) });
    if (outcome.ok) return;
    if (outcome.wwwAuthenticate) reply.header('WWW-Authenticate', outcome.wwwAuthenticate);
    throw invalidLogin();
  });
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);

  app.setErrorHandler((error: FastifyError, _request, reply: FastifyReply) => {
    if (error instanceof NetSuiteApiError) return reply.code(error.status).send(error.toBody());
    if (error.statusCode === 400 || error.statusCode === 415) {
      const bad = invalidContent(`Invalid request body: ${error.message}`);
      return reply.code(400).send(bad.toBody());
    }
    return reply.code(500).send(problemBody(500, [{ detail: `An unexpected error occurred: ${error.message}`, 'o:errorCode': 'UNEXPECTED_ERROR' }]));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(problemBody(404, [{ detail: `The requested resource ${request.method} ${request.url} does not exist.`, 'o:errorCode': 'NONEXISTENT_ID', 'o:urlPath': request.url }])),
  );

  registerTokenRoute(app, oauth2);
  registerRecordRoutes(app, context);
  registerQueryRoutes(app, context);
  return { accountId, app, faults, records, governance };
}
