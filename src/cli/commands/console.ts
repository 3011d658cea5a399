import { Command } from 'commander';
import { hashConsolePassword } from '../../console/index.ts';
import type { CommandContext } from '../context.ts';
import { CliError, ExitCode, type CliIo } from '../io.ts';

const PIPE_EXAMPLE = "printf '%s' 'the password' | crossdock console hash-password";

/**
 * `crossdock console hash-password`: prints the scrypt hash of a console password for the
 * `console.users[].passwordHash` setting. The password is read from stdin, never from an
 * argument, so it stays out of the shell history and the process list.
 */
export function consoleCommand(context: CommandContext, setExitCode: (code: number) => void): Command {
  const consoleGroup = new Command('console').description('the operations console served by `crossdock start` at /console/');
  consoleGroup
    .command('hash-password')
    .description(`read a console password from stdin and print its hash for console.users[].passwordHash (e.g. ${PIPE_EXAMPLE})`)
    .action(async () => {
      const password = await readPassword(context);
      context.out(await hashConsolePassword(password));
      setExitCode(ExitCode.ok);
    });
  return consoleGroup;
}

/**
 * All of stdin without its final line break; on a terminal, the first line (typed, then Enter).
 * A piped password spanning several lines is refused: it is more likely a wrong file than a password.
 */
async function readPassword(context: CommandContext): Promise<string> {
  const stdin: NonNullable<CliIo['stdin']> = context.io.stdin ?? process.stdin;
  const terminal = stdin.isTTY === true;
  if (terminal) context.io.stderr.write('Console password (shown as typed; pipe it in to keep it off the screen), then Enter: ');
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (terminal && /\r?\n/.test(text)) break;
  }
  text += decoder.decode();
  const password = terminal ? (text.split(/\r?\n/)[0] ?? '') : text.replace(/\r?\n$/, '');
  if (password.length === 0) throw new CliError(`no password on stdin: give it there, e.g. ${PIPE_EXAMPLE}`);
  if (/[\r\n]/.test(password)) throw new CliError('the input on stdin has several lines: give exactly one password (a final line break is fine)');
  return password;
}
