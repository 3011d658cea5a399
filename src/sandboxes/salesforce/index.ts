import { createSandboxApp, startSandbox } from '../kit/index.ts';
import type { RunningSandbox } from '../kit/index.ts';
import { renderSalesforceError } from './faults.ts';
import { registerSalesforceRoutes } from './http.ts';
import { SalesforceOrg } from './org.ts';
import type { SalesforceSandboxOptions } from './options.ts';
import { isPlainObject } from './rest/records.ts';

export type { ConnectedAppConfig, SalesforceSandboxOptions } from './options.ts';
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_USERNAME } from './options.ts';
export { dailyApiAllocation } from './limits/api-allocation.ts';
export type { Edition } from './limits/api-allocation.ts';
export { parseSoql } from './soql/parser.ts';
export { SalesforceOrg } from './org.ts';

/** Runtime settings, also settable with `PUT /__sandbox/salesforce/settings`. */
export interface SalesforceRuntimeSettings {
  dailyApiRequestLimit?: number;
  queryBatchSize?: number;
  lockContentionRate?: number;
  sessionTimeoutMs?: number;
}

export interface SalesforceSandbox extends RunningSandbox {
  org: SalesforceOrg;
  /** Ends every session: the next REST call answers 401 INVALID_SESSION_ID. */
  expireSessions(): number;
  updateSettings(settings: SalesforceRuntimeSettings): void;
  /** A session for a user without the OAuth dance (tests and demo seeding). */
  createSession(username?: string): string;
}

/**
 * Starts a local emulator of a Salesforce org's REST API: OAuth 2.0 client credentials and JWT
 * bearer, sObject CRUD and upsert, sObject Collections, Composite, SOQL queries with paging,
 * describe, `/limits` with the daily allocation, and fault injection. Real clients such as
 * jsforce work against it unchanged.
 *
 * @example
 * const sandbox = await startSalesforceSandbox({ licenses: 10 });
 * const conn = new jsforce.Connection({ loginUrl: sandbox.url, version: '62.0' });
 * await conn.authorize({ grant_type: 'client_credentials' }); // with oauth2 clientId/secret set
 * await conn.sobject('Account').create({ Name: 'Harbour Outfitters' });
 * await sandbox.close();
 */
export async function startSalesforceSandbox(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const org = new SalesforceOrg(options);
  const { app, faults } = createSandboxApp({
    name: 'salesforce',
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    renderError: renderSalesforceError,
    snapshot: () => org.snapshot(),
    reset: () => org.reset(),
    limits: () => ({
      dailyApiRequests: { max: org.apiUsage.limit, used: org.apiUsage.used, remaining: org.apiUsage.remaining, windowHours: 24 },
      queryBatchSize: org.settings.queryBatchSize,
      collectionMaxRecords: 200,
      compositeMaxSubrequests: 25,
    }),
  });
  registerSalesforceRoutes(app, org);

  const updateSettings = (settings: SalesforceRuntimeSettings): void => {
    if (settings.dailyApiRequestLimit !== undefined) org.apiUsage.setLimit(settings.dailyApiRequestLimit);
    if (settings.queryBatchSize !== undefined) org.settings.queryBatchSize = settings.queryBatchSize;
    if (settings.lockContentionRate !== undefined) org.settings.lockContentionRate = settings.lockContentionRate;
    if (settings.sessionTimeoutMs !== undefined) org.sessions.timeoutMs = settings.sessionTimeoutMs;
  };
  app.post('/__sandbox/salesforce/expire-sessions', async () => ({ expired: org.sessions.expireAll() }));
  app.get('/__sandbox/salesforce/settings', async () => ({ ...org.settings, dailyApiRequestLimit: org.apiUsage.limit, sessionTimeoutMs: org.sessions.timeoutMs }));
  app.put('/__sandbox/salesforce/settings', async (request, reply) => {
    const body = isPlainObject(request.body) ? request.body : {};
    const numbers: SalesforceRuntimeSettings = {};
    for (const key of ['dailyApiRequestLimit', 'queryBatchSize', 'lockContentionRate', 'sessionTimeoutMs'] as const) {
      const value = body[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        return reply.code(400).send({ error: { code: 'invalid_setting', message: `${key} must be a non-negative number`, field: key } });
      }
      numbers[key] = value;
    }
    updateSettings(numbers);
    return { ...org.settings, dailyApiRequestLimit: org.apiUsage.limit, sessionTimeoutMs: org.sessions.timeoutMs };
  });

  const running = await startSandbox(app, faults, {
    name: 'salesforce',
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
  });
  return {
    ...running,
    org,
    expireSessions: () => org.sessions.expireAll(),
    updateSettings,
    createSession: (username) => {
      const user = username ? org.user(username) : org.users[0];
      if (!user) throw new Error(`No user ${username ?? ''} in the sandbox org`);
      return org.sessions.issue({ username: user.username, userId: user.userId, clientId: 'sandbox-admin', now: org.clock() }).accessToken;
    },
  };
}
