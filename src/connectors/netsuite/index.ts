import type { Connector, DeltaPoller } from '../connector.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryBudget } from '../../runtime/delivery/budget.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import { createNetSuiteAuth, type NetSuiteCredentials } from './auth.ts';
import { NetSuiteClient } from './client.ts';
import { stampOf } from './delta-query.ts';
import { NETSUITE_SYSTEM } from './failures.ts';
import { customerPoller, inventoryPoller, salesOrderPoller, type InboundRejection, type PollerOptions } from './inbound.ts';
import { AccountSlots, netSuiteBudget, RECORD_API_BATCH_SIZE, STANDARD_TIER_CONCURRENCY } from './limits.ts';
import { loadNetSuiteMappings, referenceBindings, type ExternalIdConventions, type NetSuiteMappingOverrides } from './mappings.ts';
import { deliverToNetSuite, NETSUITE_OPERATIONS } from './outbound.ts';
import { netSuiteRecordSource, type NetSuiteSourceSettings } from './source.ts';

export { NetSuiteOperation, externalIdOf } from './outbound.ts';
export type { NetSuiteCredentials, TbaCredentials, M2MCredentials, M2MAlgorithm } from './auth.ts';
export type { NetSuiteMappingName, NetSuiteMappingOverrides, ExternalIdConventions } from './mappings.ts';
export type { InboundRejection } from './inbound.ts';
export type { NetSuiteSourceSettings } from './source.ts';

export type NetSuitePollerName = 'customer' | 'inventory' | 'salesOrder';

export interface NetSuiteConnectorOptions {
  /** Account id, e.g. `1234567` or `1234567_SB1` (Setup > Company > Company Information). */
  accountId: string;
  /** Default `https://<account id, lower case, _ → ->.suitetalk.api.netsuite.com`; a sandbox's `url` in tests. */
  baseUrl?: string;
  /** `{ tba: { consumerKey, consumerSecret, tokenId, tokenSecret } }` or `{ oauth2: { clientId, certificateId, privateKeyPem } }`. */
  credentials: NetSuiteCredentials;
  /** Delivery target name = the role flows address; default `erp`. */
  role?: string;
  /**
   * Requests the connector may have in flight: the account's concurrency limit (5 on the
   * standard tier, + 10 per SuiteCloud Plus licence) or the share given to this integration in
   * Integration Governance. Default 5.
   */
  concurrencyLimit?: number;
  /**
   * The configuration's budget override (`systems.<role>.budget`): `concurrency` replaces
   * `concurrencyLimit`; `maxBatchSize` can only be 1 (the record API writes one record a request).
   */
  budget?: Partial<DeliveryBudget>;
  /** How SKUs, location codes and hub customer ids appear as NetSuite external ids. */
  externalIds?: ExternalIdConventions;
  mappingOverrides?: NetSuiteMappingOverrides;
  /** SuiteQL delta polling; omit to run without pollers. */
  inbound?: {
    pollers?: readonly NetSuitePollerName[];
    /** Default 60 s. */
    everyMs?: number;
    /** First run reads changes from here (`YYYY-MM-DD HH:MM:SS`, account time zone); default: now. */
    since?: string;
    /** Currency of orders and credit limits (SuiteQL rows carry the currency's internal id only). */
    currency: string;
    /** Channel of orders entered in NetSuite itself; default `call-center`. */
    channel?: string;
    pageSize?: number;
    settleSeconds?: number;
    onRejected?: (rejection: InboundRejection) => void;
  };
  /**
   * Full reads for `crossdock backfill` (products, prices, customers, open orders). `currency`
   * defaults to `inbound.currency`; see docs/backfill.md.
   */
  source?: Partial<NetSuiteSourceSettings>;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  clock?: () => number;
  fetch?: typeof fetch;
}

/** The connector plus its own view of the account's concurrency, for benches and the console. */
export interface NetSuiteConnector extends Connector {
  concurrency(): { inFlight: number; peak: number; limit: number; utilisation: number };
  resetConcurrencyMeasurement(): void;
}

/** A record write is small, but NetSuite runs user event scripts and workflows inside it. */
const DEFAULT_TIMEOUT_MS = 30_000;

export function netSuiteBaseUrl(accountId: string): string {
  return `https://${accountId.toLowerCase().replace(/_/g, '-')}.suitetalk.api.netsuite.com`;
}

/**
 * The NetSuite (ERP) connector: books orders (and closes cancelled ones), fulfilments, invoices, returns, credit memos and
 * refunds through the REST record API, each upserted or created once by external id; polls
 * customers, stock and booked orders with SuiteQL; keeps within the account's concurrency limit.
 * See docs/connectors/netsuite.md.
 *
 * @example
 * const erp = createNetSuiteConnector({ accountId: '1234567', concurrencyLimit: 15,
 *   credentials: { tba: { consumerKey, consumerSecret, tokenId, tokenSecret } },
 *   inbound: { currency: 'USD', pollers: ['salesOrder', 'inventory'] } });
 * new DeliveryEngine({ storage, targets: [erp] });
 */
export function createNetSuiteConnector(options: NetSuiteConnectorOptions): NetSuiteConnector {
  const clock = options.clock ?? Date.now;
  const fetchImpl = options.fetch ?? fetch;
  const baseUrl = (options.baseUrl ?? netSuiteBaseUrl(options.accountId)).replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (options.budget?.maxBatchSize !== undefined && options.budget.maxBatchSize !== RECORD_API_BATCH_SIZE) {
    throw new Error(`netsuite: budget.maxBatchSize must be ${RECORD_API_BATCH_SIZE}: the REST record API writes one record per request`);
  }
  const budget = { ...netSuiteBudget(options.budget?.concurrency ?? options.concurrencyLimit ?? STANDARD_TIER_CONCURRENCY), ...options.budget };
  const slots = new AccountSlots(budget.concurrency, clock);
  const auth = createNetSuiteAuth({ accountId: options.accountId, baseUrl, credentials: options.credentials, clock, fetch: fetchImpl, timeoutMs });
  const client = new NetSuiteClient({ baseUrl, auth, slots, timeoutMs, fetch: fetchImpl });
  const mappings = loadNetSuiteMappings(options.mappingOverrides);
  const conventions = options.externalIds ?? {};
  const customerPrefix = conventions.customerPrefix ?? '';
  const locationPrefix = conventions.locationPrefix ?? '';
  const outboundBindings = referenceBindings(conventions);

  const strip = (prefix: string) => (value: unknown) => (typeof value === 'string' && value.startsWith(prefix) ? value.slice(prefix.length) : value);
  const sourceCurrency = options.source?.currency ?? options.inbound?.currency;
  const source = netSuiteRecordSource({
    client,
    mappings,
    hubIdOf: strip(customerPrefix),
    locationCodeOf: strip(locationPrefix),
    settings: { ...options.source, ...(sourceCurrency !== undefined && { currency: sourceCurrency }), ...(options.source?.channel === undefined && options.inbound?.channel !== undefined && { channel: options.inbound.channel }) },
  });

  const pollers: DeltaPoller[] = [];
  if (options.inbound) {
    const inbound = options.inbound;
    const pollerOptions: PollerOptions = {
      client,
      mappings,
      source: `crossdock://connectors/netsuite/${options.accountId}`,
      everyMs: inbound.everyMs ?? 60_000,
      since: inbound.since ?? stampOf(clock()),
      bindings: {
        hubIdOf: strip(customerPrefix),
        locationCodeOf: strip(locationPrefix),
        currency: inbound.currency,
        channel: inbound.channel ?? 'call-center',
        money: (value: unknown) => (value === undefined || value === null || value === '' ? undefined : Number(value).toFixed(2)),
      },
      ...(inbound.pageSize !== undefined && { pageSize: inbound.pageSize }),
      ...(inbound.settleSeconds !== undefined && { settleSeconds: inbound.settleSeconds }),
      ...(inbound.onRejected && { onRejected: inbound.onRejected }),
    };
    const wanted = new Set(inbound.pollers ?? ['customer', 'inventory', 'salesOrder']);
    if (wanted.has('customer')) pollers.push(customerPoller(pollerOptions));
    if (wanted.has('inventory')) pollers.push(inventoryPoller(pollerOptions));
    if (wanted.has('salesOrder')) pollers.push(salesOrderPoller(pollerOptions));
  }

  return {
    name: options.role ?? 'erp',
    system: NETSUITE_SYSTEM,
    operations: NETSUITE_OPERATIONS,
    budget,
    ...(pollers.length > 0 && { pollers }),
    source,
    deliver: (batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> =>
      deliverToNetSuite(batch, context, { client, mappings, bindings: outboundBindings, customerExternalId: (hubId) => `${customerPrefix}${hubId}` }),
    quota: () => slots.quota(),
    concurrency: () => slots.snapshot(),
    resetConcurrencyMeasurement: () => slots.resetMeasurement(),
  };
}
