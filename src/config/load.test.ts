import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig, parseConfig, redactConfig } from './load.ts';
import { flowSettings } from '../flows/settings.ts';

function problems(text: string, env: Record<string, string> = {}): ConfigError {
  try {
    parseConfig({ text, file: 'crossdock.yaml', env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const folder = mkdtempSync(join(tmpdir(), 'crossdock-config-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('gives every default when there is no file', async () => {
    const config = await loadConfig({ env: {} });
    expect(config).toEqual({
      storage: { kind: 'sqlite', path: '.data/crossdock.sqlite', durability: 'process' },
      bus: { kind: 'embedded' },
      http: { host: '127.0.0.1', port: 8080 },
      inbound: { apiKeys: [], maxBodyBytes: 1_048_576 },
      log: { level: 'info' },
      systems: {},
      ownership: {},
      flows: flowSettings(),
      delivery: {
        retry: { maxAttempts: 8, initialDelayMs: 500, maxDelayMs: 300_000 },
        circuit: { consecutiveFailures: 5, halfOpenAfterMs: 10_000 },
        leaseMs: 120_000,
      },
    });
  });

  it('reads a full file and keeps defaults for what it leaves out', async () => {
    const file = join(folder, 'full.yaml');
    writeFileSync(
      file,
      [
        'storage: { kind: sqlite, path: /var/lib/crossdock/hub.sqlite }',
        'http:',
        '  port: 9090',
        'systems:',
        '  erp:',
        '    connector: netsuite',
        '    budget: { concurrency: 4 }',
        '    settings: { accountId: "1234567_SB1" }',
        '  commerce:',
        '    connector: ./connectors/storefront.ts',
        'ownership:',
        '  customer.billing: erp',
        '  inventory: erp',
        'delivery:',
        '  retry: { maxAttempts: 3 }',
      ].join('\n'),
    );
    const config = await loadConfig({ file, env: {} });
    expect(config.storage).toEqual({ kind: 'sqlite', path: '/var/lib/crossdock/hub.sqlite', durability: 'process' });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(config.systems.erp).toEqual({ connector: 'netsuite', budget: { concurrency: 4 }, settings: { accountId: '1234567_SB1' } });
    expect(config.systems.commerce).toEqual({ connector: './connectors/storefront.ts', settings: {} });
    expect(config.delivery.retry).toEqual({ maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 300_000 });
  });

  it('accepts postgres and nats in the schema', () => {
    const config = parseConfig({ text: 'storage: { kind: postgres, url: "postgres://db/hub" }\nbus: { kind: nats, servers: [nats://n1:4222] }', env: {} });
    expect(config.storage).toEqual({ kind: 'postgres', url: 'postgres://db/hub' });
    expect(config.bus).toEqual({ kind: 'nats', servers: ['nats://n1:4222'] });
  });

  it('names a missing file', async () => {
    await expect(loadConfig({ file: join(folder, 'absent.yaml') })).rejects.toThrow(/absent\.yaml: cannot read the configuration: file not found/);
  });

  it('reports YAML syntax errors with their line', () => {
    const error = problems('http:\n  port: 8080\n  host: [unclosed\n');
    expect(error.issues[0]?.message).toMatch(/^YAML syntax/);
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('names the key path, the expectation, the value and the line of a wrong value', () => {
    const error = problems('log:\n  level: info\nhttp:\n  port: 80a\n');
    expect(error.issues).toEqual([{ path: 'http.port', message: 'must be an integer between 1 and 65535, got "80a"', line: 4 }]);
    expect(error.message).toContain('crossdock.yaml:4: http.port: must be an integer between 1 and 65535, got "80a"');
  });

  it('rejects unknown keys and suggests the close one', () => {
    const error = problems('http:\n  hots: 0.0.0.0\nloggin: {}\n');
    expect(error.issues).toEqual([
      { path: 'http.hots', message: 'unknown key; did you mean "host"?', line: 2 },
      { path: 'loggin', message: expect.stringMatching(/^unknown key; known keys here: storage, bus, http/), line: 3 },
    ]);
  });

  it('explains an unknown connector, with a suggestion', () => {
    const error = problems('systems:\n  erp:\n    connector: netsuit\n');
    expect(error.issues[0]?.path).toBe('systems.erp.connector');
    expect(error.issues[0]?.message).toMatch(/^must be one of "netsuite", "salesforce", "shopify", "wms", "payments", a custom connector module .*, got "netsuit"; did you mean "netsuite"\?$/);
    expect(error.issues[0]?.line).toBe(3);
  });

  it('explains a wrong storage kind and a missing required key', () => {
    expect(problems('storage: { kind: sqlte }').issues[0]).toMatchObject({ path: 'storage.kind', message: 'must be one of "sqlite", "postgres", got "sqlte"; did you mean "sqlite"?' });
    expect(problems('storage: { kind: postgres }').issues[0]).toMatchObject({ path: 'storage.url', message: 'is required' });
    expect(problems('systems:\n  erp: { settings: {} }').issues[0]).toMatchObject({ path: 'systems.erp.connector', message: 'is required' });
  });

  it('rejects a malformed role name', () => {
    expect(problems('systems:\n  ERP: { connector: netsuite }').issues[0]).toMatchObject({ path: 'systems.ERP', message: expect.stringMatching(/^is not a valid key: use lower-case letters/) });
  });

  it('rejects an owner that is not a declared system, and an unknown entity', () => {
    const error = problems('systems:\n  erp: { connector: netsuite }\n  crm: { connector: salesforce }\nownership:\n  customer.billing: erpp\n  custmer.preferences: crm\n');
    expect(error.issues).toEqual([
      { path: 'ownership.customer.billing', message: 'owner "erpp" is not a system declared under "systems" (declared: erp, crm); did you mean "erp"?', line: 5 },
      { path: 'ownership.custmer.preferences', message: '"custmer" is not an entity of the canonical model; did you mean "customer"?', line: 6 },
    ]);
  });

  it('allows ownership without declared systems (nothing to check against yet)', () => {
    expect(parseConfig({ text: 'ownership: { inventory: erp }', env: {} }).ownership).toEqual({ inventory: 'erp' });
  });

  it('takes an empty file for all defaults, and refuses a document that is not a mapping', () => {
    expect(parseConfig({ text: '# nothing yet\n', env: {} }).http.port).toBe(8080);
    expect(problems('- storage\n- http\n').issues).toEqual([{ path: '', message: 'must be a mapping of keys to values, got a list', line: 1 }]);
  });

  it('refuses a key given twice', () => {
    expect(problems('http: { port: 1 }\nhttp: { port: 2 }\n').issues[0]?.message).toMatch(/^YAML syntax: Map keys must be unique/);
  });

  it('lists several problems at once', () => {
    expect(problems('http: { port: 0, host: "" }\ninbound: { apiKeys: [short] }').issues.map((issue) => issue.path)).toEqual(['http.host', 'http.port', 'inbound.apiKeys[0]']);
  });
});

describe('environment references', () => {
  it('substitutes ${env:NAME}, inside strings too, and coerces numbers', () => {
    const config = parseConfig({
      text: 'storage: { kind: postgres, url: "postgres://hub:${env:PG_PASSWORD}@db/hub" }\nhttp: { port: "${env:PORT}" }\ninbound: { apiKeys: ["${env:POS_KEY}"] }',
      env: { PG_PASSWORD: 's3cr3t', PORT: '9000', POS_KEY: 'pos-key-0123456789abcdef' },
    });
    expect(config.storage).toEqual({ kind: 'postgres', url: 'postgres://hub:s3cr3t@db/hub' });
    expect(config.http.port).toBe(9000);
    expect(config.inbound.apiKeys).toEqual(['pos-key-0123456789abcdef']);
  });

  it('uses the fallback when the variable is unset or empty', () => {
    expect(parseConfig({ text: 'http: { host: "${env:HOST:-0.0.0.0}" }', env: {} }).http.host).toBe('0.0.0.0');
    expect(parseConfig({ text: 'http: { host: "${env:HOST:-0.0.0.0}" }', env: { HOST: '' } }).http.host).toBe('0.0.0.0');
    expect(parseConfig({ text: 'http: { host: "${env:HOST:-0.0.0.0}" }', env: { HOST: '10.0.0.5' } }).http.host).toBe('10.0.0.5');
    expect(parseConfig({ text: 'http: { host: "$${literal}" }', env: {} }).http.host).toBe('${literal}');
  });

  it('names the key path and the variable when it is missing', () => {
    const error = problems('systems:\n  crm:\n    connector: salesforce\n    settings:\n      clientSecret: ${env:SF_CLIENT_SECRET}\n');
    expect(error.issues).toEqual([
      { path: 'systems.crm.settings.clientSecret', message: 'environment variable SF_CLIENT_SECRET is not set (referenced as ${env:SF_CLIENT_SECRET})', line: 5 },
    ]);
  });

  it('rejects a malformed reference', () => {
    expect(problems('http: { host: "${HOST}" }').issues[0]?.message).toMatch(/"\$\{HOST\}" is not a valid reference/);
  });

  it('never shows a value from the environment in an error', () => {
    const error = problems('http: { port: "${env:PORT}" }', { PORT: 'hunter2' });
    expect(error.message).not.toContain('hunter2');
    expect(error.issues[0]?.message).toBe('must be an integer between 1 and 65535, got a value from the environment (not shown)');
  });

  it('redacts environment values, API keys and credentials for logging', () => {
    const config = parseConfig({
      text: [
        'storage: { kind: postgres, url: "postgres://hub:pw@db/hub" }',
        'inbound: { apiKeys: ["0123456789abcdef0123"] }',
        'systems:',
        '  crm: { connector: salesforce, settings: { instanceUrl: "${env:SF_URL}", clientSecret: plain-in-file, username: ops } }',
      ].join('\n'),
      env: { SF_URL: 'https://acme.my.salesforce.com' },
    });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toMatch(/pw@|0123456789abcdef0123|acme\.my\.salesforce|plain-in-file/);
    expect(text).toContain('"username":"ops"');
  });
});

describe('the console block', () => {
  // The shape `crossdock console hash-password` prints (the loader checks the shape, not the password).
  const HASH = 'scrypt$32768$8$1$3q2-7wAAAAAAAAAAAAAAAA$c2NyeXB0LWtleS1vZi10aGlydHktdHdvLWJ5dGVzISE';
  const SECRET = 'cookie-secret-of-at-least-32-characters';
  const block = (users: string, cookieSecret = SECRET) => `console:\n  users:\n${users}\n  cookieSecret: "${cookieSecret}"\n`;

  it('is absent by default: no console, the API only', () => {
    expect(parseConfig({ text: '', env: {} }).console).toBeUndefined();
  });

  it('accepts users with scrypt hashes and a cookie secret from the environment', () => {
    const config = parseConfig({
      text: block(`    - { name: maria, role: operator, passwordHash: "${HASH}" }\n    - { name: finance, role: viewer, passwordHash: "${HASH}" }`, '${env:CROSSDOCK_CONSOLE_COOKIE_SECRET}'),
      env: { CROSSDOCK_CONSOLE_COOKIE_SECRET: SECRET },
    });
    expect(config.console).toEqual({
      users: [
        { name: 'maria', role: 'operator', passwordHash: HASH },
        { name: 'finance', role: 'viewer', passwordHash: HASH },
      ],
      cookieSecret: SECRET,
      secureCookie: false,
    });
  });

  it('refuses a clear-text password, naming the field and the hashing tool, without echoing it', () => {
    const error = problems(block('    - { name: maria, role: operator, passwordHash: "Kassel-Lager-7" }'));
    expect(error.issues).toEqual([{ path: 'console.users[0].passwordHash', message: expect.stringContaining('crossdock console hash-password'), line: 3 }]);
    expect(error.issues[0]?.message).toMatch(/never the password itself, got a value that is not shown/);
    expect(error.message).not.toContain('Kassel-Lager-7');
  });

  it('takes a trace link with {traceId} for the console, and refuses one without it, naming the field', () => {
    const users = `    - { name: maria, role: operator, passwordHash: "${HASH}" }`;
    const withLink = (link: string) => `${block(users)}  traceLink: "${link}"\n`;
    expect(parseConfig({ text: withLink('https://jaeger.example.com/trace/{traceId}'), env: {} }).console?.traceLink).toBe('https://jaeger.example.com/trace/{traceId}');
    expect(problems(withLink('https://jaeger.example.com/trace/')).issues).toEqual([
      { path: 'console.traceLink', message: expect.stringContaining('an http(s) URL with {traceId}'), line: 5 },
    ]);
  });

  it('refuses a cookie secret shorter than 32 characters', () => {
    expect(problems(block(`    - { name: maria, role: operator, passwordHash: "${HASH}" }`, 'too-short')).issues).toEqual([
      { path: 'console.cookieSecret', message: 'must be at least 32 characters long', line: 4 },
    ]);
  });

  it('refuses an unknown role (with a suggestion), no users, and a name given twice', () => {
    expect(problems(block(`    - { name: maria, role: operater, passwordHash: "${HASH}" }`)).issues[0]).toMatchObject({
      path: 'console.users[0].role',
      message: 'must be one of "viewer", "operator", "admin", got "operater"; did you mean "operator"?',
    });
    expect(problems(`console: { users: [], cookieSecret: "${SECRET}" }`).issues[0]).toMatchObject({ path: 'console.users', message: 'must list at least 1 item' });
    expect(problems(block(`    - { name: maria, role: operator, passwordHash: "${HASH}" }\n    - { name: maria, role: admin, passwordHash: "${HASH}" }`)).issues).toEqual([
      { path: 'console.users[1].name', message: expect.stringContaining('"maria" is already configured at console.users[0]'), line: 4 },
    ]);
  });

  it('hides the cookie secret and the password hashes in the logged configuration', () => {
    const config = parseConfig({ text: block(`    - { name: maria, role: operator, passwordHash: "${HASH}" }`), env: {} });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(HASH);
    expect(text).not.toContain('3q2-7w');
    expect(redactConfig(config)).toMatchObject({ console: { users: [{ name: 'maria', role: 'operator', passwordHash: '[redacted]' }], cookieSecret: '[redacted]' } });
  });
});
