import { seededRandom } from '../kit/index.ts';
import { SessionStore } from './auth/sessions.ts';
import { DmlEngine } from './data/dml.ts';
import { RecordStore } from './data/record-store.ts';
import { formatDateTime } from './data/values.ts';
import { IdFactory } from './ids.ts';
import type { IngestJob } from './bulk/ingest-jobs.ts';
import { ApiRequestAllocation, DAILY_BULK_API_BATCHES, dailyApiAllocation } from './limits/api-allocation.ts';
import type { ConnectedAppConfig, SalesforceSandboxOptions } from './options.ts';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_QUERY_BATCH_SIZE,
  DEFAULT_SESSION_TIMEOUT_MS,
  DEFAULT_USERNAME,
} from './options.ts';
import { SchemaCatalog } from './schema/catalog.ts';
import type { SObjectRecord } from './schema/types.ts';
import { QueryCursors } from './soql/cursors.ts';

export interface OrgUser {
  username: string;
  userId: string;
}

/** Settings an operator or a test may change while the sandbox runs. */
export interface OrgSettings {
  queryBatchSize: number;
  lockContentionRate: number;
  minApiVersion: number;
  maxApiVersion: number;
}

/**
 * Everything the sandbox org holds: schema, records, sessions, cursors, API usage and settings.
 * Records, cursors and usage are in memory; `reset()` returns to the seeded state (the standard
 * price book every org has).
 */
export class SalesforceOrg {
  readonly orgId: string;
  readonly clock: () => number;
  readonly random: () => number;
  readonly catalog = new SchemaCatalog();
  readonly ids = new IdFactory();
  readonly store = new RecordStore(this.catalog);
  readonly cursors = new QueryCursors<Record<string, unknown>>(this.ids);
  readonly sessions: SessionStore;
  readonly apiUsage: ApiRequestAllocation;
  readonly bulkBatches: ApiRequestAllocation;
  readonly bulkJobs = new Map<string, IngestJob>();
  readonly dml: DmlEngine;
  readonly users: OrgUser[];
  readonly connectedApps: ConnectedAppConfig[];
  readonly settings: OrgSettings;

  constructor(options: SalesforceSandboxOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.random = seededRandom(options.seed ?? 1);
    this.orgId = options.orgId ?? this.ids.next('00D');
    this.users = (options.users ?? [DEFAULT_USERNAME]).map((username) => ({ username, userId: this.ids.next('005') }));
    this.connectedApps = options.connectedApps ?? [
      { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, clientCredentialsUser: this.users[0]?.username ?? DEFAULT_USERNAME },
    ];
    this.sessions = new SessionStore({ orgId: this.orgId, timeoutMs: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS });
    const limit = options.dailyApiRequestLimit ?? dailyApiAllocation({ edition: options.edition ?? 'Enterprise', licenses: options.licenses ?? 20 });
    this.apiUsage = new ApiRequestAllocation({ limit, clock: this.clock });
    this.bulkBatches = new ApiRequestAllocation({ limit: DAILY_BULK_API_BATCHES, clock: this.clock });
    this.settings = {
      queryBatchSize: options.queryBatchSize ?? DEFAULT_QUERY_BATCH_SIZE,
      lockContentionRate: options.lockContentionRate ?? 0,
      minApiVersion: options.minApiVersion ?? 31,
      maxApiVersion: options.maxApiVersion ?? 68,
    };
    this.dml = new DmlEngine({
      catalog: this.catalog,
      store: this.store,
      ids: this.ids,
      lockContention: () => this.settings.lockContentionRate > 0 && this.random() < this.settings.lockContentionRate,
    });
    this.#seed();
  }

  user(username: string): OrgUser | undefined {
    return this.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  /** Clears records, cursors and API usage (sessions stay valid). */
  reset(): void {
    this.store.reset();
    this.cursors.clear();
    this.apiUsage.reset();
    this.bulkBatches.reset();
    this.bulkJobs.clear();
    this.#seed();
  }

  snapshot(): { orgId: string; records: Record<string, SObjectRecord[]>; apiUsage: { used: number; limit: number }; sessions: number } {
    return {
      orgId: this.orgId,
      records: this.store.snapshot(),
      apiUsage: { used: this.apiUsage.used, limit: this.apiUsage.limit },
      sessions: this.sessions.size,
    };
  }

  /** Every org has a standard price book. */
  #seed(): void {
    const pricebook = this.catalog.object('Pricebook2');
    if (!pricebook) return;
    const stamp = formatDateTime(this.clock());
    const userId = this.users[0]?.userId ?? null;
    this.store.insert(pricebook, {
      Id: this.ids.next(pricebook.keyPrefix),
      IsDeleted: false,
      CreatedDate: stamp,
      CreatedById: userId,
      LastModifiedDate: stamp,
      LastModifiedById: userId,
      SystemModstamp: stamp,
      Name: 'Standard Price Book',
      Description: null,
      IsActive: true,
      IsStandard: true,
    });
    this.store.commit();
  }

  /** Id of the standard price book (handy for tests and the demo seeding). */
  get standardPricebookId(): string {
    const pricebook = this.catalog.object('Pricebook2');
    const standard = pricebook ? [...this.store.all(pricebook)].find((p) => p.IsStandard) : undefined;
    return String(standard?.Id);
  }
}
