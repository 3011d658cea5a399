import { startSandbox } from '../kit/index.ts';
import type { RunningSandbox } from '../kit/index.ts';
import type { NetSuiteSandboxOptions } from './app.ts';
import { createNetSuiteApp } from './app.ts';
import type { AccountGovernance } from './governance.ts';
import type { RecordService } from './records/service.ts';

export type { NetSuiteSandboxOptions } from './app.ts';
export { SANDBOX_TBA_CREDENTIALS, createNetSuiteApp } from './app.ts';
export { tbaClient } from './sandbox-client.ts';
export { signTbaRequest } from './auth/oauth1.ts';
export type { TbaCredentials } from './auth/oauth1.ts';
export type { M2MCertificateMapping } from './auth/oauth2.ts';

export interface RunningNetSuiteSandbox extends RunningSandbox {
  accountId: string;
  /** Direct access to the account's records, for seeding and assertions in tests. */
  records: RecordService;
  governance: AccountGovernance;
}

/**
 * Starts a local NetSuite REST web services emulator: TBA (HMAC-SHA256) and OAuth 2.0 client
 * credentials, the record API under /services/rest/record/v1 with upsert by eid, SuiteQL at
 * /services/rest/query/v1/suiteql, the account concurrency limit and NetSuite's error shape.
 *
 * @example
 * const netsuite = await startNetSuiteSandbox({ latency: { recordWrite: { p50Ms: 0, p99Ms: 0 } } });
 * const auth = signTbaRequest({ method: 'GET', url: `${netsuite.url}/services/rest/record/v1/customer/1`,
 *   credentials: { accountId: netsuite.accountId, ...SANDBOX_TBA_CREDENTIALS }, nonce: 'abc123', timestamp: Math.floor(Date.now() / 1000) });
 * await fetch(`${netsuite.url}/services/rest/record/v1/customer/1`, { headers: { Authorization: auth } });
 * await netsuite.close();
 */
export async function startNetSuiteSandbox(options: NetSuiteSandboxOptions = {}): Promise<RunningNetSuiteSandbox> {
  const account = createNetSuiteApp(options);
  const running = await startSandbox(account.app, account.faults, {
    name: 'netsuite',
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
  });
  return { ...running, accountId: account.accountId, records: account.records, governance: account.governance };
}
