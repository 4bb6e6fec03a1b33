import type { Command } from './command.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { EXIT, UsageError, processIo, type CliIo } from './io.js';
import { RUN_EXIT } from './run/exit-status.js';
import { VERSION } from './version.js';

/** Every `wbp` subcommand. */
export const COMMANDS: readonly Command[] = [validateCommand, planCommand, runCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: wbp <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'wbp <command> --help shows the options of a command; wbp --version prints the version.',
    '',
  ].join('\n');
}

/** Runs `wbp` with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`wbp: unknown ${name.startsWith('-') ? 'option' : 'command'} ${JSON.stringify(name)}\n\n${help()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`wbp ${command.name}: ${err.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    // A bug, not the operator's mistake: one line and the internal-error status, not a stack trace
    // and exit 1 (which means "rows rejected").
    io.stderr(`wbp ${command.name}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return RUN_EXIT.internalError;
  }
}
