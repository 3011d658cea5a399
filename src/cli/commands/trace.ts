import { Command } from 'commander';
import { buildTrace, type Trace, type TraceHop } from '../../console/trace/timeline.ts';
import type { CommandContext } from '../context.ts';
import { duration, table, truncate } from '../format.ts';
import { ExitCode } from '../io.ts';
import { configOption } from './options.ts';

/**
 * `crossdock trace <term>`: the journey of a change, hop by hop. The same search and timeline
 * as the console's trace page (`buildTrace`), so both accept the same terms: an order or return
 * number, a bare sku (every location) or `sku@location`, a customer id or e-mail, a correlation id.
 */
export function traceCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  return new Command('trace')
    .description('show every hop of a change: events, flow steps, deliveries, dead letters')
    .argument('<term>', 'an order or return number, a sku or sku@location, a customer id or e-mail, or a correlation id')
    .option('--json', 'print JSON instead of a timeline')
    .addOption(configOption())
    .action(async (term: string, options: { json?: boolean; config?: string }) => {
      setExitCode(
        await context.withAdapters(options.config, async (ports) => {
          const trace = withoutEventData(await buildTrace(ports, term));
          if (options.json) context.out(JSON.stringify(trace, null, 2));
          else context.out(renderTrace(trace));
          return trace.hops.length > 0 ? ExitCode.ok : ExitCode.failed;
        }),
      );
    });
}

/** Events' data stays in the database: a terminal or a CI log is no place for customers' details. */
function withoutEventData(trace: Trace): Trace {
  return { ...trace, hops: trace.hops.map(({ data: _data, ...hop }): TraceHop => hop) };
}

export function renderTrace(trace: Trace): string {
  if (trace.hops.length === 0) {
    return `nothing recorded for "${trace.query}" (not an order, return, sku, customer or correlation id the hub has seen; delivered items are kept 7 days)\n`;
  }
  const start = trace.hops[0]!.at;
  const header = ['TIME', '+', 'SYSTEM', 'WHAT', 'OUTCOME', 'TOOK'];
  const rows = trace.hops.map((hop) => [
    new Date(hop.at).toISOString(),
    `+${duration(hop.at - start)}`,
    truncate(hop.system, 32),
    truncate(hop.title, 60),
    truncate(hop.detail ? `${hop.outcome}: ${hop.detail}` : hop.outcome, 90),
    hop.latencyMs !== null ? duration(hop.latencyMs) : '',
  ]);
  const span = duration(trace.hops[trace.hops.length - 1]!.at - start);
  const found = trace.keys.length > 0 && !(trace.keys.length === 1 && trace.keys[0] === trace.query) ? `; found under ${trace.keys.join(', ')}` : '';
  const correlations = trace.correlationIds.length > 0 ? `; correlation ids: ${trace.correlationIds.join(', ')}` : '';
  const truncated = trace.truncated ? '\n(more was recorded than a trace shows: the oldest or newest hops may be missing)' : '';
  return `trace of ${trace.query} (${trace.matchedAs.join(' and ')}): ${trace.hops.length} hops over ${span}${found}${correlations}${truncated}\n\n${table(header, rows)}`;
}
