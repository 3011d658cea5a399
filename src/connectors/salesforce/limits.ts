import type { DeliveryBudget, QuotaSignal } from '../../runtime/delivery/budget.ts';

/**
 * Salesforce's published limits the connector relies on.
 *
 * - Daily API requests, rolling 24 h: Enterprise/Professional 100,000 + 1,000 per Salesforce
 *   licence; Unlimited/Performance 100,000 + 5,000 per licence; Developer 15,000.
 *   https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
 * - sObject Collections: up to 200 records per request.
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
 * - Composite: up to 25 subrequests, of which at most 5 query or sObject Collections operations;
 *   the whole Composite request counts as one call towards the allocation.
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
 */
export const DAY_MS = 86_400_000;
export const COLLECTION_MAX_RECORDS = 200;
export const COMPOSITE_MAX_SUBREQUESTS = 25;
export const COMPOSITE_MAX_COLLECTIONS_OR_QUERIES = 5;
/** REST query pages hold 2,000 records by default (and at most). */
export const QUERY_PAGE_SIZE = 2_000;

export const SalesforceEdition = {
  developer: 'developer',
  professional: 'professional',
  enterprise: 'enterprise',
  unlimited: 'unlimited',
  performance: 'performance',
} as const;
export type SalesforceEdition = (typeof SalesforceEdition)[keyof typeof SalesforceEdition];

/** The org's daily API allocation by edition and number of Salesforce licences (source above). */
export function dailyApiRequests(edition: SalesforceEdition, licences: number): number {
  switch (edition) {
    case 'developer':
      return 15_000;
    case 'professional':
    case 'enterprise':
      return 100_000 + 1_000 * licences;
    case 'unlimited':
    case 'performance':
      return 100_000 + 5_000 * licences;
  }
}

/**
 * Concurrency: Salesforce limits long-running (> 20 s) requests to 25 per org, shared with every
 * other integration; collections upserts of 200 records take well under that, so 8 in flight
 * keep the queue moving while leaving most of the org's share to others.
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
 */
export const DEFAULT_CONCURRENCY = 8;

export function salesforceBudget(options: { dailyRequestLimit: number; concurrency?: number }): DeliveryBudget {
  return {
    maxBatchSize: COLLECTION_MAX_RECORDS,
    // One Composite request projects 5 orders (5 collection subrequests at most): claiming 5 makes
    // one claim one API call, so the engine's own request count stays exact.
    maxBatchSizeByOperation: { projectOrder: COMPOSITE_MAX_COLLECTIONS_OR_QUERIES },
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    requests: { limit: options.dailyRequestLimit, windowMs: DAY_MS },
  };
}

/**
 * `Sforce-Limit-Info: api-usage=18/120000, per-app-api-usage=17/250(appName=crossdock)` → the
 * org-wide figure as the requests signal for the delivery budget (not the per-app one).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
 */
export function parseLimitInfo(header: string | undefined): Extract<QuotaSignal, { kind: 'requests' }> | undefined {
  const match = header ? /(?:^|[\s,;])api-usage=(\d+)\/(\d+)/.exec(header) : null;
  if (!match) return undefined;
  return { kind: 'requests', used: Number(match[1]), limit: Number(match[2]) };
}

/**
 * How long to pause after 403 REQUEST_LIMIT_EXCEEDED. The allocation is a rolling 24 hours:
 * capacity comes back as the calls of 24 hours ago age out, which the org does not tell. At an
 * even spread, 1 % of the allocation frees up every 14.4 minutes; waiting that long lets work
 * through again without hammering an org that other integrations share.
 */
export const DAILY_LIMIT_PAUSE_MS = DAY_MS / 100;
