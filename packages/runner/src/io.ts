import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a command may touch of the outside world, so tests can run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes shared by every subcommand. */
export const EXIT = {
  ok: 0,
  /** Rows were rejected and the caller asked to fail on that (`--fail-on-rejected`). */
  rejected: 1,
  /** The input cannot be used at all (a file-level error); nothing was loaded. */
  unusable: 2,
  /** Bad arguments or configuration; nothing was done. */
  usage: 2,
} as const;

/** A usage mistake: printed with the command's usage and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type CommandArgsConfig<O> = { args: string[]; allowPositionals: true; strict: true; options: O };

/** `parseArgs` (strict, positionals allowed) whose mistakes (unknown option, missing value) are UsageErrors. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: O,
): ReturnType<typeof parseArgs<CommandArgsConfig<O>>> {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, strict: true, options });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The same I/O with every stdout and stderr write passed through `redact` first. */
export function redactingIo(io: CliIo, redact: (text: string) => string): CliIo {
  return { ...io, stdout: (text) => io.stdout(redact(text)), stderr: (text) => io.stderr(redact(text)) };
}
