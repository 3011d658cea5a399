import type { QuotaReport } from '../../connectors/connector.ts';
import type { BudgetSnapshot, DeliveryBudget } from '../../runtime/delivery/budget.ts';
import type { DeliveryTarget } from '../../runtime/delivery/target.ts';

/** Share of the quota from which the console warns, and from which it calls it critical. */
export const QUOTA_WARNING_RATIO = 0.8;
export const QUOTA_CRITICAL_RATIO = 0.95;

export const QuotaStatus = { ok: 'ok', warning: 'warning', critical: 'critical', unknown: 'unknown' } as const;
export type QuotaStatus = (typeof QuotaStatus)[keyof typeof QuotaStatus];

/** Who produced the figure: the connector, from the system's own answer, or the hub's delivery budget. */
export const QuotaOrigin = { connector: 'connector', budget: 'budget' } as const;
export type QuotaOrigin = (typeof QuotaOrigin)[keyof typeof QuotaOrigin];

/** A target's quota as the Health page shows it. */
export interface QuotaFigure {
  /** e.g. `DailyApiRequests`, `graphqlCostPoints`, `concurrency`, `requests per 24 h` */
  name: string;
  used: number;
  limit: number;
  /** Used as a percentage of the limit, one decimal; null when the limit is not positive. */
  percent: number | null;
  status: QuotaStatus;
  /** Where the figure came from, in words (a response header, a limits endpoint, local counting). */
  source: string;
  origin: QuotaOrigin;
}

/** A delivery target that is also a connector able to report its system's quota. */
export type QuotaReportingTarget = DeliveryTarget & { quota(): QuotaReport };

export function reportsQuota(target: DeliveryTarget): target is QuotaReportingTarget {
  return typeof (target as Partial<QuotaReportingTarget>).quota === 'function';
}

export function quotaStatus(used: number, limit: number): QuotaStatus {
  if (!(limit > 0) || !Number.isFinite(used)) return QuotaStatus.unknown;
  const ratio = used / limit;
  return ratio >= QUOTA_CRITICAL_RATIO ? QuotaStatus.critical : ratio >= QUOTA_WARNING_RATIO ? QuotaStatus.warning : QuotaStatus.ok;
}

function figure(report: { name: string; used: number; limit: number; source: string }, origin: QuotaOrigin): QuotaFigure {
  const percent = report.limit > 0 && Number.isFinite(report.used) ? Math.round((report.used / report.limit) * 1000) / 10 : null;
  return { name: report.name, used: report.used, limit: report.limit, percent, status: quotaStatus(report.used, report.limit), source: report.source, origin };
}

function windowName(requests: DeliveryBudget['requests']): string {
  if (!requests) return 'requests in the rolling window';
  const { windowMs } = requests;
  const span = windowMs % 3_600_000 === 0 ? `${windowMs / 3_600_000} h` : windowMs % 60_000 === 0 ? `${windowMs / 60_000} min` : `${windowMs / 1000} s`;
  return `requests per ${span}`;
}

/**
 * The quota the console shows for a target. The system's own figure comes first, as the
 * connector reports it (Salesforce `DailyApiRequests` from Sforce-Limit-Info, Shopify cost
 * points from `throttleStatus`, NetSuite concurrency); without one (a target that is no
 * connector, or a connector whose report failed) the delivery budget's request window, counted
 * by the hub. Null when there is neither.
 *
 * @example
 * targetQuota({ connector: salesforce, budget: status.budget, declared: salesforce.budget });
 * // { name: 'DailyApiRequests', used: 81_000, limit: 100_000, percent: 81, status: 'warning', source: 'Sforce-Limit-Info response header', origin: 'connector' }
 */
export function targetQuota(options: { connector?: DeliveryTarget | undefined; budget: BudgetSnapshot; declared?: DeliveryBudget | undefined }): QuotaFigure | null {
  let failure = '';
  if (options.connector && reportsQuota(options.connector)) {
    try {
      const report = options.connector.quota();
      if (Number.isFinite(report.used) && Number.isFinite(report.limit)) return figure(report, QuotaOrigin.connector);
      failure = ` (the connector's figure was not a number)`;
    } catch (error) {
      // A broken report must not take the Health page down; say so next to the fallback.
      failure = ` (the connector's report failed: ${error instanceof Error ? error.message : String(error)})`;
    }
  }
  const { requestsUsed, requestsLimit } = options.budget;
  if (requestsUsed === null || requestsLimit === null) return null;
  return figure({ name: windowName(options.declared?.requests), used: requestsUsed, limit: requestsLimit, source: `the hub's delivery budget: requests in its rolling window${failure}` }, QuotaOrigin.budget);
}
