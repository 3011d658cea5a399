import { runNetSuiteConcurrencyScenario } from '../../src/connectors/netsuite/concurrency-scenario.ts';
import { report, round } from '../report.ts';

/**
 * A backlog of sales-order bookings drained into NetSuite, whose record API writes one record
 * per request at ~300 ms: concurrency × latency is the ERP's ceiling, so the figure is the share
 * of the account's concurrency limit kept busy, with no 429 allowed.
 */
export async function netsuiteBench(options: { quick: boolean }): Promise<void> {
  const result = await runNetSuiteConcurrencyScenario({ bookings: options.quick ? 50 : 200, concurrencyLimit: 5, writeLatencyMs: 300 });
  report({
    name: 'netsuite.concurrency_utilisation',
    value: round(result.utilisation, 3),
    unit: 'ratio',
    connector_side: round(result.connectorUtilisation, 3),
    bookings: result.bookings,
    delivered: result.delivered,
    concurrency_limit: result.concurrencyLimit,
    peak_in_flight: result.peakInFlight,
    rejected_429: result.rejected429,
    bookings_per_s: round(result.delivered / (result.elapsedMs / 1000), 2),
    write_latency_ms: 300,
  });
}
