import { Command, InvalidArgumentError, Option } from 'commander';
import { DeadLetterStatus, type DeadLetter, type DeadLetterQuery } from '../../ports/storage.ts';
import type { CommandContext } from '../context.ts';
import { age, table, truncate } from '../format.ts';
import { CliError, ExitCode } from '../io.ts';
import { configOption } from './options.ts';

type FinalStatus = Exclude<DeadLetterStatus, 'open'>;

/**
 * `crossdock dlq list|retry|resolve|discard`: dead letters, inspected and acted on through the
 * storage port directly, so it works while the hub runs (SQLite in WAL mode lets both in).
 * Every action goes through `deadLetters.act`, which writes the audit entry in the same
 * transaction; that is why a reason is required.
 */
export function dlqCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  const dlq = new Command('dlq').description('inspect and act on dead letters (deliveries and flows that need an operator)');

  dlq
    .command('list')
    .description('list dead letters, newest last')
    .addOption(new Option('--status <status>', 'which ones').choices([...Object.values(DeadLetterStatus), 'all']).default('open'))
    .option('--target <name>', 'only this delivery target (or flow name)')
    .option('--key <key>', 'only this business key')
    .option('--limit <n>', 'at most this many', positiveInteger, 50)
    .option('--json', 'print JSON instead of a table')
    .addOption(configOption())
    .action(async (options: { status: string; target?: string; key?: string; limit: number; json?: boolean; config?: string }) => {
      setExitCode(await list(context, options));
    });

  const actions: { name: string; status: FinalStatus; description: string }[] = [
    { name: 'retry', status: 'retried', description: 'put dead letters back in their queue (deliveries) or resume their flow' },
    { name: 'resolve', status: 'resolved', description: 'mark dead letters as fixed by other means (e.g. corrected in the target by hand)' },
    { name: 'discard', status: 'discarded', description: 'give up on dead letters on purpose' },
  ];
  for (const action of actions) {
    dlq
      .command(action.name)
      .description(`${action.description}; audited`)
      .argument('<id...>', 'dead letter ids (see `crossdock dlq list`)')
      .requiredOption('--reason <text>', 'why (kept in the audit log)')
      .option('--actor <name>', 'who acts (default: your OS user name)')
      .addOption(configOption())
      .action(async (ids: string[], options: { reason: string; actor?: string; config?: string }) => {
        setExitCode(await act(context, action.status, ids, options));
      });
  }
  return dlq;
}

async function list(context: CommandContext, options: { status: string; target?: string; key?: string; limit: number; json?: boolean; config?: string }): Promise<number> {
  return context.withAdapters(options.config, async ({ storage }) => {
    const query: DeadLetterQuery = {
      ...(options.status !== 'all' && { status: options.status as DeadLetterStatus }),
      ...(options.target !== undefined && { target: options.target }),
      ...(options.key !== undefined && { key: options.key }),
    };
    const total = await storage.deadLetters.count(query);
    const entries = await storage.deadLetters.list({ ...query, limit: options.limit });
    if (options.json) {
      context.out(JSON.stringify({ total, deadLetters: entries }, null, 2));
      return ExitCode.ok;
    }
    const which = options.status === 'all' ? '' : `${options.status} `;
    if (entries.length === 0) {
      context.out(`no ${which}dead letters${options.target ? ` for target ${options.target}` : ''}`);
      return ExitCode.ok;
    }
    const now = Date.now();
    const showStatus = options.status !== 'open';
    const header = ['ID', 'AGE', ...(showStatus ? ['STATUS'] : []), 'KIND', 'TARGET', 'KEY', 'ERROR'];
    const rows = entries.map((entry) => [
      String(entry.id),
      age(entry.createdAt, now),
      ...(showStatus ? [entry.status] : []),
      entry.kind,
      entry.target,
      truncate(businessKeyOf(entry), 40),
      truncate(errorSummary(entry), 100),
    ]);
    context.out(table(header, rows));
    context.out(`${entries.length} of ${total} ${which}dead letter${total === 1 ? '' : 's'} shown`);
    if (options.status === 'open') context.out('act on them with: crossdock dlq retry|resolve|discard <id...> --reason "<why>"');
    return ExitCode.ok;
  });
}

async function act(context: CommandContext, status: FinalStatus, rawIds: readonly string[], options: { reason: string; actor?: string; config?: string }): Promise<number> {
  const reason = options.reason.trim();
  if (reason === '') throw new CliError('--reason must not be empty: operator actions on dead letters are audited');
  const ids = rawIds.map((raw) => {
    const id = Number(raw.replace(/^#/, ''));
    if (!Number.isInteger(id) || id < 1) throw new CliError(`"${raw}" is not a dead letter id (a positive whole number, see \`crossdock dlq list\`)`);
    return id;
  });
  const actor = options.actor ?? context.defaultActor();
  return context.withAdapters(options.config, async ({ storage }) => {
    let failures = 0;
    for (const id of ids) {
      const entry = await storage.deadLetters.get(id);
      if (!entry) {
        failures++;
        context.err(`#${id}: no such dead letter`);
        continue;
      }
      const done = await storage.deadLetters.act(id, status, { actor, reason, now: Date.now() });
      if (!done) {
        failures++;
        const current = await storage.deadLetters.get(id);
        context.err(`#${id}: not open any more (it is ${current?.status ?? entry.status}); nothing done`);
        continue;
      }
      context.out(`#${id}: ${status} (${entry.target} ${businessKeyOf(entry)}), audited as ${actor}`);
    }
    return failures === 0 ? ExitCode.ok : ExitCode.failed;
  });
}

export function businessKeyOf(entry: Pick<DeadLetter, 'key' | 'context'>): string {
  const businessKey = entry.context.businessKey;
  return typeof businessKey === 'string' && businessKey !== entry.key ? `${businessKey} (${entry.key})` : entry.key;
}

function errorSummary(entry: DeadLetter): string {
  const code = entry.error.code ?? entry.error.type;
  return `${code}: ${entry.error.message.replace(/\s+/g, ' ')}`;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive whole number.');
  return parsed;
}
