import { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { duration, table, truncate } from '../format.ts';
import { ExitCode } from '../io.ts';
import { buildTimeline, type Timeline } from '../trace/timeline.ts';
import { configOption } from './options.ts';

/** `crossdock trace <business key or correlation id>`: the journey of a change, hop by hop. */
export function traceCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  return new Command('trace')
    .description('show every hop of a change: events, flow steps, deliveries, dead letters')
    .argument('<key>', 'a business key (order number, sku@location, customer id) or a correlation id')
    .option('--json', 'print JSON instead of a timeline')
    .addOption(configOption())
    .action(async (key: string, options: { json?: boolean; config?: string }) => {
      setExitCode(
        await context.withAdapters(options.config, async (ports) => {
          const timeline = await buildTimeline(ports, key);
          if (options.json) context.out(JSON.stringify(timeline, null, 2));
          else context.out(renderTimeline(timeline));
          return timeline.hops.length > 0 ? ExitCode.ok : ExitCode.failed;
        }),
      );
    });
}

export function renderTimeline(timeline: Timeline): string {
  if (timeline.hops.length === 0) {
    return `nothing recorded for "${timeline.query}" (neither a business key nor a correlation id the hub has seen; delivered items are kept 7 days)\n`;
  }
  const start = timeline.hops[0]!.at;
  const header = ['TIME', '+', 'SYSTEM', 'WHAT', 'OUTCOME', 'TOOK'];
  const rows = timeline.hops.map((hop) => [
    new Date(hop.at).toISOString(),
    `+${duration(hop.at - start)}`,
    truncate(hop.system, 32),
    truncate(hop.what, 60),
    truncate(hop.outcome, 90),
    hop.latencyMs !== undefined ? duration(hop.latencyMs) : '',
  ]);
  const span = duration(timeline.hops[timeline.hops.length - 1]!.at - start);
  const correlations = timeline.correlationIds.length > 0 ? `; correlation ids: ${timeline.correlationIds.join(', ')}` : '';
  return `trace of ${timeline.query} (${timeline.matchedAs.join(' and ')}): ${timeline.hops.length} hops over ${span}${correlations}\n\n${table(header, rows)}`;
}
