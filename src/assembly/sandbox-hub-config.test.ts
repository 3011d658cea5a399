import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { createConnectorFromConfig, type SystemSettings } from '../connectors/registry.ts';
import type { SandboxDirectory } from '../sandboxes/run-all.ts';
import { DEMO_SEED } from '../sandboxes/traffic/demo-data.ts';
import { DEMO_CONSOLE_CREDENTIALS, verifyConsolePassword } from '../console/index.ts';
import { consoleUrlOf, InvalidHubUrlError, parseHubUrl, renderSandboxHubConfig, sandboxConsole, sandboxHubConfig } from './sandbox-hub-config.ts';

/** Where five sandboxes would be: only addresses and credentials, nothing listens. */
const directory: SandboxDirectory = {
  salesforce: {
    url: 'http://127.0.0.1:4100', loginUrl: 'http://127.0.0.1:4100', apiVersion: '62.0',
    clientId: 'crossdock-sandbox', clientSecret: 'sandbox-secret', username: 'admin@crossdock.sandbox', standardPricebookId: '01s000000000001AAA',
  },
  netsuite: {
    url: 'http://127.0.0.1:4101', accountId: '1234567',
    tba: { accountId: '1234567', consumerKey: 'consumer-key', consumerSecret: 'consumer-secret', tokenId: 'token-id', tokenSecret: 'token-secret' },
  },
  shopify: {
    url: 'http://127.0.0.1:4102', shopDomain: 'crossdock-sandbox.myshopify.com', apiVersion: '2025-01',
    accessToken: 'shpat_crossdock_sandbox', clientSecret: 'shopify-client-secret', fetch,
  },
  wms: { url: 'http://127.0.0.1:4103', apiKey: 'wms_test_key', warehouseId: 'DC-EAST', requestsPerSecond: 25 },
  payments: { url: 'http://127.0.0.1:4104', port: 4104, secretKey: 'sk_test_crossdock' },
  catalogue: DEMO_SEED,
};

describe('the configuration of a hub against the sandboxes', () => {
  it('is a valid crossdock.yaml: SQLite storage, the hub URL as listening address, every retail role bound to its sandbox', async () => {
    const config = sandboxHubConfig({ directory, hubUrl: 'http://127.0.0.1:18931/', wmsWebhookSecret: 'whsec_1', databasePath: '/var/lib/crossdock/hub.sqlite', apiKeyEnv: 'POS_KEY' });
    const text = renderSandboxHubConfig(config);
    expect(text.startsWith('# Written by `crossdock sandbox up --write-config`')).toBe(true);

    const parsed = parseConfig({ text, env: { POS_KEY: 'pos-key-0123456789abcdef' } });
    expect(parsed.storage).toMatchObject({ kind: 'sqlite', path: '/var/lib/crossdock/hub.sqlite' });
    expect(parsed.http).toEqual({ host: '127.0.0.1', port: 18931 });
    expect(parsed.inbound.apiKeys).toEqual(['pos-key-0123456789abcdef']);
    expect(text).not.toContain('pos-key-0123456789abcdef');
    expect(Object.keys(parsed.systems).sort()).toEqual(['commerce', 'crm', 'erp', 'payments', 'wms']);
    expect(parsed.systems.wms).toMatchObject({ connector: 'wms', budget: { requests: { limit: 25, windowMs: 1_000 } }, settings: { baseUrl: 'http://127.0.0.1:4103', webhookSecret: 'whsec_1' } });
    expect(parsed.systems.erp?.settings).toMatchObject({ baseUrl: 'http://127.0.0.1:4101', accountId: '1234567' });

    // Every connector accepts its settings, as `crossdock start` will build them.
    for (const [role, system] of Object.entries(parsed.systems)) {
      const connector = await createConnectorFromConfig(role, system as SystemSettings);
      expect(connector.name).toBe(role);
      await connector.close?.();
    }
  });

  it('carries a console with the demo users, hashed, and a cookie secret drawn for each file', async () => {
    const [first, second] = await Promise.all([sandboxConsole(), sandboxConsole()]);
    const text = renderSandboxHubConfig(sandboxHubConfig({ directory, hubUrl: 'http://127.0.0.1:18931', wmsWebhookSecret: 'whsec_1', databasePath: '/tmp/hub.sqlite', console: first }));
    const parsed = parseConfig({ text, env: {} });
    expect(parsed.console?.users.map((user) => [user.name, user.role])).toEqual(DEMO_CONSOLE_CREDENTIALS.map((credential) => [credential.name, credential.role]));
    for (const credential of DEMO_CONSOLE_CREDENTIALS) {
      const user = parsed.console?.users.find((candidate) => candidate.name === credential.name);
      expect(await verifyConsolePassword(credential.password, user?.passwordHash ?? '')).toBe(true);
      expect(text).not.toContain(credential.password);
    }
    expect(parsed.console?.cookieSecret).toBe(first.cookieSecret);
    expect(first.cookieSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.cookieSecret).not.toBe(first.cookieSecret);
    expect(consoleUrlOf('http://127.0.0.1:18931/')).toBe('http://127.0.0.1:18931/console/');
    // Without one, the hub serves its API only.
    expect(sandboxHubConfig({ directory, hubUrl: 'http://127.0.0.1:18931', wmsWebhookSecret: 'whsec_1', databasePath: '/tmp/hub.sqlite' }).console).toBeUndefined();
  });

  it('leaves the listening address to the defaults when the hub sits behind a proxy (https, no port)', () => {
    const config = sandboxHubConfig({ directory, hubUrl: 'https://hub.example.com', wmsWebhookSecret: 'whsec_1', databasePath: '/tmp/hub.sqlite' });
    expect(config.http).toBeUndefined();
    expect(config.inbound).toBeUndefined();
  });

  it('listens on every interface when the sandboxes reach the hub by a non-loopback name', () => {
    const config = sandboxHubConfig({ directory, hubUrl: 'http://crossdock:8080', wmsWebhookSecret: 'whsec_1', databasePath: '/tmp/hub.sqlite' });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 8080 });
  });

  it('refuses a hub URL it cannot subscribe webhooks to, naming the option', () => {
    expect(() => parseHubUrl('127.0.0.1:8080', '--hub-url')).toThrow(InvalidHubUrlError);
    expect(() => parseHubUrl('ftp://127.0.0.1:8080', '--hub-url')).toThrow('--hub-url "ftp://127.0.0.1:8080" must start with http:// or https://');
    expect(() => parseHubUrl('http://127.0.0.1:8080/?x=1', '--hub-url')).toThrow('must not carry a query or a fragment');
    expect(() => parseHubUrl('not a url')).toThrow('hubUrl "not a url" is not a URL');
    expect(parseHubUrl('http://127.0.0.1:8080/crossdock/').href).toBe('http://127.0.0.1:8080/crossdock');
  });
});
