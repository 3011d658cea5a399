import type { SalesforceOrg } from '../org.ts';

/**
 * `GET /limits`: the org's limits and what remains. DailyApiRequests and DailyBulkApiBatches are
 * live; the others are Enterprise Edition defaults, reported for clients that read them, not
 * enforced.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 */
export function organizationLimits(org: SalesforceOrg): Record<string, { Max: number; Remaining: number }> {
  const fixed = (max: number) => ({ Max: max, Remaining: max });
  return {
    ConcurrentAsyncGetReportInstances: fixed(200),
    ConcurrentSyncReportRuns: fixed(20),
    DailyApiRequests: { Max: org.apiUsage.limit, Remaining: org.apiUsage.remaining },
    DailyAsyncApexExecutions: fixed(250_000),
    DailyBulkApiBatches: { Max: org.bulkBatches.limit, Remaining: org.bulkBatches.remaining },
    DailyBulkV2QueryFileStorageMB: fixed(976_562),
    DailyBulkV2QueryJobs: fixed(10_000),
    DailyDurableStreamingApiEvents: fixed(10_000),
    DataStorageMB: fixed(1_024),
    FileStorageMB: fixed(2_048),
    HourlyDashboardRefreshes: fixed(200),
    SingleEmail: fixed(5_000),
  };
}
