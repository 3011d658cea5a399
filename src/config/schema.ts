import { Type, type Static } from '@sinclair/typebox';
import { entityNames } from '../canonical/entities.ts';
import { ConsoleRole } from '../console/auth/roles.ts';
import { FlowSettingsSchema } from '../flows/settings.ts';

/**
 * The configuration schema: the single source for the config's TypeScript types, its
 * validation, its defaults and docs/configuration.md. Every object is closed
 * (`additionalProperties: false`) so a misspelt key is an error, not a silently ignored line.
 */

/** Connectors shipped with Crossdock (they arrive with the connector issues). */
export const BuiltInConnector = {
  netsuite: 'netsuite',
  salesforce: 'salesforce',
  shopify: 'shopify',
  wms: 'wms',
  payments: 'payments',
} as const;
export type BuiltInConnector = (typeof BuiltInConnector)[keyof typeof BuiltInConnector];

/** Roles flows address systems by (DESIGN.md "The layers"); custom roles are allowed too. */
export const WellKnownRole = { erp: 'erp', crm: 'crm', commerce: 'commerce', wms: 'wms', payments: 'payments' } as const;

/**
 * Entities an ownership rule may name: the canonical model's (`customer`, `inventory-level`,
 * `order`, ...) plus `inventory`, the short name DESIGN.md uses for inventory levels.
 */
export const OwnedEntity: readonly string[] = [...entityNames, 'inventory'];

/** pino's levels, most to least severe; `silent` writes nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A role or system name: lower-case letters, digits and dashes, e.g. `erp`, `erp-legacy`. */
const ROLE_PATTERN = '^[a-z][a-z0-9-]*$';
const ROLE_HINT = 'lower-case letters, digits and dashes, starting with a letter (e.g. erp, erp-legacy)';
/** `<entity>` or `<entity>.<attributeGroup>`, e.g. `inventory`, `customer.billing`. */
const OWNERSHIP_KEY_PATTERN = '^[a-z][a-zA-Z0-9-]*(\\.[a-z][a-zA-Z0-9-]*)?$';
const OWNERSHIP_HINT = '<entity> or <entity>.<attributeGroup>, e.g. inventory or customer.billing';
/** A custom connector is a module: a relative or absolute path, or a scoped package name. */
export const CUSTOM_CONNECTOR_PATTERN = '^(\\.{1,2}/|/|@[a-z0-9-]+/)';

/** What a pattern means, in words, for error messages (record keys carry only the pattern). */
export const patternHints: Readonly<Record<string, string>> = {
  [ROLE_PATTERN]: ROLE_HINT,
  [OWNERSHIP_KEY_PATTERN]: OWNERSHIP_HINT,
};

const PositiveInteger = (options: { description: string; default?: number; maximum?: number }) =>
  Type.Integer({ minimum: 1, ...options });

export const SqliteStorageSchema = Type.Object(
  {
    kind: Type.Literal('sqlite'),
    path: Type.String({ minLength: 1, default: '.data/crossdock.sqlite', description: 'Database file; its folder is created if missing.' }),
    durability: Type.Union([Type.Literal('process'), Type.Literal('power')], {
      default: 'process',
      description: '`process`: survives a crash of the hub (WAL, synchronous=NORMAL). `power`: survives a power loss (fsync on every commit; slower).',
    }),
  },
  { additionalProperties: false },
);

export const PostgresStorageSchema = Type.Object(
  {
    kind: Type.Literal('postgres'),
    url: Type.String({ minLength: 1, description: 'Connection URL, e.g. `${env:DATABASE_URL}`.' }),
  },
  { additionalProperties: false },
);

export const EmbeddedBusSchema = Type.Object({ kind: Type.Literal('embedded') }, { additionalProperties: false });

export const NatsBusSchema = Type.Object(
  {
    kind: Type.Literal('nats'),
    servers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'NATS server URLs, e.g. `nats://nats-1:4222`.' }),
  },
  { additionalProperties: false },
);

export const BudgetSchema = Type.Object(
  {
    maxBatchSize: Type.Optional(PositiveInteger({ description: 'Most records one request may carry.' })),
    concurrency: Type.Optional(PositiveInteger({ description: 'Most requests in flight at once.' })),
    requests: Type.Optional(
      Type.Object(
        {
          limit: PositiveInteger({ description: 'Requests allowed per window.' }),
          windowMs: PositiveInteger({ description: 'Rolling window length in milliseconds.' }),
        },
        { additionalProperties: false },
      ),
    ),
    costPoints: Type.Optional(
      Type.Object(
        {
          capacity: PositiveInteger({ description: 'Bucket size in cost points.' }),
          restorePerSecond: Type.Number({ exclusiveMinimum: 0, description: 'Points restored per second.' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: "Overrides of the connector's published limits (use to stay below a shared quota)." },
);

export const SystemSchema = Type.Object(
  {
    connector: Type.Union(
      [
        ...Object.values(BuiltInConnector).map((name) => Type.Literal(name)),
        Type.String({
          pattern: CUSTOM_CONNECTOR_PATTERN,
          hint: 'a custom connector module (./connectors/pos.ts or @acme/crossdock-pos)',
          description: 'A custom connector module.',
        }),
      ],
      { description: 'A built-in connector, or the module of a custom one (`./connectors/pos.ts`, `@acme/crossdock-pos`).' },
    ),
    budget: Type.Optional(BudgetSchema),
    settings: Type.Record(Type.String(), Type.Unknown(), {
      default: {},
      description: "The connector's own settings (URLs, account ids, credentials); checked by the connector.",
    }),
  },
  { additionalProperties: false },
);

export const TracingSchema = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({ description: 'Record and export OpenTelemetry traces. Default: on when an OTLP endpoint is set here or in OTEL_EXPORTER_OTLP_ENDPOINT.' }),
    ),
    serviceName: Type.String({ minLength: 1, default: 'crossdock', description: '`service.name` of the spans.' }),
    otlpEndpoint: Type.Optional(
      Type.String({
        pattern: '^https?://',
        hint: 'an http:// or https:// URL, e.g. http://127.0.0.1:4318',
        description: 'OTLP/HTTP collector base URL (`/v1/traces` is appended); default OTEL_EXPORTER_OTLP_ENDPOINT, then http://localhost:4318.',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * The shape of `hashConsolePassword`'s output (src/console/auth/passwords.ts):
 * `scrypt$<N>$<r>$<p>$<salt base64url>$<key base64url>`. Checked here so a clear-text password
 * is refused at load time, not discovered as a login that never works.
 */
export const CONSOLE_PASSWORD_HASH_PATTERN = '^scrypt\\$[1-9][0-9]*\\$[1-9][0-9]*\\$[1-9][0-9]*\\$[A-Za-z0-9_-]+\\$[A-Za-z0-9_-]+$';

export const ConsoleUserSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Login name; also the actor recorded in the audit log.' }),
    role: Type.Union(
      Object.values(ConsoleRole).map((role) => Type.Literal(role)),
      { description: '`viewer` reads with personal data masked; `operator` also retries, resolves and discards exceptions; `admin` can do everything, including reading the audit log.' },
    ),
    passwordHash: Type.String({
      pattern: CONSOLE_PASSWORD_HASH_PATTERN,
      // A clear-text password here must not be echoed into an error message (and a terminal or CI log).
      secret: true,
      hint: 'a scrypt hash printed by `crossdock console hash-password` (scrypt$<N>$<r>$<p>$<salt>$<key>), never the password itself',
      description: 'The scrypt hash of the password, from `crossdock console hash-password`; never the password itself.',
    }),
  },
  { additionalProperties: false },
);

export const ConsoleSchema = Type.Object(
  {
    users: Type.Array(ConsoleUserSchema, { minItems: 1, description: 'Who may sign in to the console, with their role.' }),
    cookieSecret: Type.String({
      minLength: 32,
      description: 'Signs the session cookie (HMAC): at least 32 characters, kept secret, the same on every instance; e.g. `${env:CROSSDOCK_CONSOLE_COOKIE_SECRET}`.',
    }),
    secureCookie: Type.Boolean({
      default: false,
      description: 'Mark the session cookie Secure (sent over HTTPS only); set it whenever the console is reached over HTTPS, e.g. behind a TLS proxy.',
    }),
    traceLink: Type.Optional(
      Type.String({
        pattern: '^https?://.*\\{traceId\\}',
        hint: 'an http(s) URL with {traceId} where the trace id goes, e.g. https://jaeger.example.com/trace/{traceId}',
        description: 'Where the console links a W3C trace id (Jaeger, Grafana Tempo...): a URL with `{traceId}`. Left out, the id is shown to copy.',
      }),
    ),
  },
  { additionalProperties: false, description: 'The operations console at `/console/` (see docs/console.md); left out, the hub serves its API only.' },
);

export const ConfigSchema = Type.Object(
  {
    storage: Type.Union([SqliteStorageSchema, PostgresStorageSchema], {
      default: { kind: 'sqlite' },
      description: 'Where queues, flow state and dead letters are kept.',
    }),
    bus: Type.Union([EmbeddedBusSchema, NatsBusSchema], { default: { kind: 'embedded' }, description: 'The durable event log.' }),
    http: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to listen on; `0.0.0.0` for all.' }),
        port: Type.Integer({ minimum: 1, maximum: 65535, default: 8080, description: 'TCP port.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    inbound: Type.Object(
      {
        apiKeys: Type.Array(Type.String({ minLength: 16 }), {
          default: [],
          description: 'Keys accepted on `POST /events` (header `Authorization: Bearer <key>`); empty: no authentication.',
        }),
        // 1 MiB: the CloudEvents HTTP binding leaves the limit to the receiver; a batch of a few
        // thousand POS events fits, a runaway client does not.
        maxBodyBytes: PositiveInteger({ default: 1_048_576, description: 'Largest accepted request body.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      {
        level: Type.Union(
          LOG_LEVELS.map((level) => Type.Literal(level)),
          { default: 'info', description: 'Lowest level written.' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    systems: Type.Record(Type.String({ pattern: ROLE_PATTERN }), SystemSchema, {
      default: {},
      description: 'Connected systems by role (`erp`, `crm`, `commerce`, `wms`, `payments` or a custom role).',
    }),
    ownership: Type.Record(Type.String({ pattern: OWNERSHIP_KEY_PATTERN }), Type.String({ pattern: ROLE_PATTERN, hint: ROLE_HINT }), {
      default: {},
      description: 'System of record per `<entity>` or `<entity>.<attributeGroup>`: the role that owns it.',
    }),
    flows: FlowSettingsSchema,
    delivery: Type.Object(
      {
        retry: Type.Object(
          {
            maxAttempts: PositiveInteger({ default: 8, description: 'Tries (the first counts) before a transient failure is dead-lettered.' }),
            initialDelayMs: PositiveInteger({ default: 500, description: 'First backoff delay.' }),
            maxDelayMs: PositiveInteger({ default: 300_000, description: 'Longest backoff delay.' }),
          },
          { additionalProperties: false, default: {} },
        ),
        circuit: Type.Object(
          {
            consecutiveFailures: PositiveInteger({ default: 5, description: 'Failed requests in a row that open the circuit.' }),
            halfOpenAfterMs: PositiveInteger({ default: 10_000, description: 'Time open before one trial request.' }),
          },
          { additionalProperties: false, default: {} },
        ),
        leaseMs: PositiveInteger({ default: 120_000, description: 'A claim older than this is taken to be abandoned by a crashed worker.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    // Optional without a default: a configuration that leaves it out stays exactly as before.
    observability: Type.Optional(
      Type.Object({ tracing: Type.Optional(TracingSchema) }, { additionalProperties: false, description: 'Traces (see docs/observability.md).' }),
    ),
    // Optional without a default: no console block, no console (the API only), as before.
    console: Type.Optional(ConsoleSchema),
  },
  { additionalProperties: false },
);

export type CrossdockConfig = Static<typeof ConfigSchema>;
export type StorageConfig = CrossdockConfig['storage'];
export type BusConfig = CrossdockConfig['bus'];
export type SystemConfig = Static<typeof SystemSchema>;
export type BudgetConfig = Static<typeof BudgetSchema>;
export type TracingConfig = Static<typeof TracingSchema>;
export type ConsoleConfig = Static<typeof ConsoleSchema>;
