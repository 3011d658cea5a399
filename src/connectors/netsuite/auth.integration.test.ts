import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthExpiredError, PermanentError } from '../../runtime/errors.ts';
import { SANDBOX_TBA_CREDENTIALS, startNetSuiteSandbox, type RunningNetSuiteSandbox } from '../../sandboxes/netsuite/index.ts';
import { recordingContext } from '../conformance/harness.ts';
import { createNetSuiteConnector, type M2MAlgorithm } from './index.ts';
import { tbaRealm } from './tba.ts';
import { bookOrderItem, NO_LATENCY, SANDBOX_EXTERNAL_IDS, sandboxOrder } from './testing.ts';

let sandbox: RunningNetSuiteSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('NetSuite connector authentication', () => {
  it('signs requests with TBA (HMAC-SHA256) that the account accepts, and reports a wrong token secret as INVALID_LOGIN', async () => {
    sandbox = await startNetSuiteSandbox({ host: '127.0.0.1', port: 0, latency: NO_LATENCY, accountId: '1234567_SB1' });
    const connect = (tokenSecret: string) =>
      createNetSuiteConnector({
        accountId: '1234567_SB1',
        baseUrl: sandbox!.url,
        credentials: { tba: { ...SANDBOX_TBA_CREDENTIALS, tokenSecret } },
        externalIds: SANDBOX_EXTERNAL_IDS,
      });
    const order = sandboxOrder();
    const [outcome] = await connect(SANDBOX_TBA_CREDENTIALS.tokenSecret).deliver([bookOrderItem(order)], recordingContext());
    expect(outcome).toEqual({ ok: true, externalId: sandbox.records.store.getByExternalId('salesOrder', order.orderNumber)?.id });

    const refused = await connect('not-the-secret').deliver([bookOrderItem(sandboxOrder())], recordingContext()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthExpiredError);
    expect((refused as AuthExpiredError).code).toBe('INVALID_LOGIN');
  });

  it('writes the realm as NetSuite wants it: upper case, sandbox suffix with an underscore', () => {
    expect(tbaRealm('1234567-sb1')).toBe('1234567_SB1');
    expect(tbaRealm('1234567')).toBe('1234567');
  });

  for (const [algorithm, keyType] of [['PS256', 'rsa'], ['ES256', 'ec']] as const) {
    it(`gets an OAuth 2.0 M2M token with a ${algorithm} assertion, reuses it, refreshes it before expiry and once after a 401`, async () => {
      const keys = keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      let now = Date.UTC(2026, 10, 23, 9, 0, 0);
      const clock = () => now;
      sandbox = await startNetSuiteSandbox({
        host: '127.0.0.1',
        port: 0,
        latency: NO_LATENCY,
        clock,
        oauth2: {
          accessTokenTtlSeconds: 3600,
          mappings: [{ clientId: 'crossdock-client', certificateId: 'cert-1', publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
        },
      });
      const tokenRequests: string[] = [];
      const countingFetch: typeof fetch = (input, init) => {
        if (String(input).endsWith('/services/rest/auth/oauth2/v1/token')) tokenRequests.push(String(init?.body));
        return fetch(input, init);
      };
      const connector = createNetSuiteConnector({
        accountId: sandbox.accountId,
        baseUrl: sandbox.url,
        credentials: {
          oauth2: { clientId: 'crossdock-client', certificateId: 'cert-1', algorithm: algorithm as M2MAlgorithm, privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
        },
        externalIds: SANDBOX_EXTERNAL_IDS,
        clock,
        fetch: countingFetch,
      });
      const book = async () => (await connector.deliver([bookOrderItem(sandboxOrder())], recordingContext()))[0];

      expect(await book()).toMatchObject({ ok: true });
      expect(await book()).toMatchObject({ ok: true });
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0]).toContain('grant_type=client_credentials');

      // Close to the 60-minute expiry: a new token is fetched before the old one lapses.
      now += 3600_000 - 30_000;
      expect(await book()).toMatchObject({ ok: true });
      expect(tokenRequests).toHaveLength(2);

      // NetSuite forgets the token (revoked, or the account restarted): 401, one refresh, one retry.
      await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
      expect(await book()).toMatchObject({ ok: true });
      expect(tokenRequests).toHaveLength(3);
    });
  }

  it('reports an M2M certificate the account does not know as a permanent failure naming the setting', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sandbox = await startNetSuiteSandbox({ host: '127.0.0.1', port: 0, latency: NO_LATENCY, oauth2: { mappings: [] } });
    const connector = createNetSuiteConnector({
      accountId: sandbox.accountId,
      baseUrl: sandbox.url,
      credentials: { oauth2: { clientId: 'crossdock-client', certificateId: 'unknown-cert', privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } },
      externalIds: SANDBOX_EXTERNAL_IDS,
    });
    const failure = await connector.deliver([bookOrderItem(sandboxOrder())], recordingContext()).then((outcomes) => (outcomes[0] as { error: unknown }).error);
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({ code: 'invalid_client', field: 'oauth2' });
  });
});
