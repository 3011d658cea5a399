import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.ts';
import { backfillCommand } from './commands/backfill.ts';
import { consoleCommand } from './commands/console.ts';
import { dlqCommand } from './commands/dlq.ts';
import { demoCommand } from './commands/demo.ts';
import { sandboxCommand } from './commands/sandbox.ts';
import { startCommand } from './commands/start.ts';
import { traceCommand } from './commands/trace.ts';
import { CommandContext } from './context.ts';
import { CliError, ExitCode, type CliIo } from './io.ts';

export { ExitCode, type CliIo } from './io.ts';

const VERSION = '0.1.0';

/**
 * Runs the `crossdock` command line in-process and resolves with the exit code, so tests need no
 * child process. `argv` excludes `node` and the script (`['dlq', 'list', '--json']`).
 *
 * @example
 * const code = await runCli(['dlq', 'list'], { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const context = new CommandContext(io);
  let exitCode: number = ExitCode.ok;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const program = new Command('crossdock')
    .description('Crossdock: the retail integration hub between Salesforce, your ERP, your storefront and your warehouses')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .addCommand(startCommand(context, setExitCode))
    .addCommand(demoCommand(context, setExitCode))
    .addCommand(dlqCommand(context, setExitCode))
    .addCommand(traceCommand(context, setExitCode))
    .addCommand(sandboxCommand(context, setExitCode))
    .addCommand(backfillCommand(context, setExitCode))
    .addCommand(consoleCommand(context, setExitCode));
  // Subcommands inherit neither exitOverride nor the output streams; set them on every level.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
    command.showHelpAfterError('(run with --help for usage)');
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportFailure(error, context);
  } finally {
    context.dispose();
  }
}

function reportFailure(error: unknown, context: CommandContext): number {
  // Commander has printed its own message (unknown command, missing option, help, version).
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof ConfigError) {
    context.err(`error: ${error.message}`);
    return ExitCode.config;
  }
  if (error instanceof CliError) {
    context.err(`error: ${error.message}`);
    return error.exitCode;
  }
  context.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return ExitCode.failed;
}
