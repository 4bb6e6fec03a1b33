import type { CliIo } from './io.js';

/** One `wbp` subcommand. */
export interface Command {
  name: string;
  /** One line for `wbp --help`. */
  summary: string;
  usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
