import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { report, round } from '../report.ts';

/** Peak RSS of a hub process holding a backlog of undelivered events (in a child process). */
export function rssBench(options: { backlog: number; runSeconds: number }): void {
  const script = fileURLToPath(new URL('./rss-backlog.ts', import.meta.url));
  const output = execFileSync(process.execPath, ['--import', 'tsx', script, String(options.backlog), String(options.runSeconds)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(output.trim().split('\n').pop()!) as { peakRssMb: number; backlog: number; queuedForDelivery: number; consumedFromLog: number };
  report({
    name: options.backlog === 1_000_000 ? 'core.rss_mb_1m_backlog' : 'core.rss_mb_backlog',
    value: round(result.peakRssMb, 1),
    unit: 'MB',
    backlog_events: result.backlog,
    queued_for_delivery: result.queuedForDelivery,
    consumed_from_log: result.consumedFromLog,
    note: 'target down for the whole run; backlog split between the event log and the delivery queue',
  });
}
