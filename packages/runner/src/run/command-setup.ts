import { join, resolve } from 'node:path';
import type { RunLogger } from '@wbp/executor-core';
import { createRedactor, type Redactor } from '@wbp/webex-client/internal';
import { redactingIo, type CliIo } from '../io.js';
import { fsReason, unreadableFile, unusableOutDir } from '../paths.js';
import { RUN_EXIT } from './exit-status.js';
import { fileLogger } from './logger.js';
import { Refusal } from './refusal.js';
import { RunConfigError, toRunConfig, type RunConfig } from './run-config.js';

/**
 * The set-up steps `wbp run` and `wbp plan` share, in the order they take them: scrub the output,
 * read the configuration, check the two paths, open the log. Each throws a `Refusal` (exit 20,
 * nothing done) for what the operator must fix.
 */

/** The command's I/O with every write scrubbed, and the scrubber itself (for the files it writes). */
export interface Scrubbed {
  io: CliIo;
  redact: Redactor;
}

/**
 * One scrubber for every sink (stdout, stderr, the log, every output file), made before the
 * configuration is read so even a configuration message cannot leak a secret; tokens refreshed
 * later are added to it as they come.
 */
export function scrubbedIo(rawIo: CliIo): Scrubbed {
  const redact = createRedactor([rawIo.env.WEBEX_TOKEN, rawIo.env.WEBEX_REFRESH_TOKEN, rawIo.env.WEBEX_CLIENT_SECRET]);
  return { io: redactingIo(rawIo, redact), redact };
}

/** The configuration from the environment (`toRunConfig`); a bad one is a refusal listing every problem. */
export function readConfig(io: CliIo): RunConfig {
  try {
    return toRunConfig(io.env);
  } catch (err) {
    if (err instanceof RunConfigError) throw new Refusal(RUN_EXIT.configOrStartupFailed, err.message);
    throw err;
  }
}

/** Refuses an output folder that cannot be written and a CSV that cannot be read, before either is touched. */
export async function checkPaths(paths: { outDir: string; outArg: string; csv: string; csvArg: string }): Promise<void> {
  const outProblem = await unusableOutDir(paths.outDir);
  if (outProblem) throw new Refusal(RUN_EXIT.configOrStartupFailed, `--out ${paths.outArg} ${outProblem}; nothing was done`);
  const unreadable = await unreadableFile(paths.csv);
  if (unreadable) throw new Refusal(RUN_EXIT.configOrStartupFailed, `cannot read the CSV: ${paths.csvArg} ${unreadable}; nothing was done`);
}

/** The command's log file in the output folder (`run.log`, `plan.log`), scrubbed like everything else. */
export function openLog(outDir: string, outArg: string, name: string, config: RunConfig, redact: Redactor): RunLogger {
  try {
    return fileLogger(join(outDir, name), config.env.LOG_LEVEL, redact);
  } catch (err) {
    throw new Refusal(RUN_EXIT.configOrStartupFailed, `cannot write the log: ${join(outArg, name)} ${fsReason(err)}; nothing was done`);
  }
}

/** `<csv>` and `--out` resolved against the command's working directory. */
export function resolvePaths(io: CliIo, csvArg: string, outArg: string) {
  return { csv: resolve(io.cwd, csvArg), csvArg, outDir: resolve(io.cwd, outArg), outArg };
}

/** The last resort of both commands: a bug, logged and reported as exit 70. */
export function internalError(err: unknown, log: RunLogger): Refusal {
  log.fatal({ event: 'internal_error', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'internal error');
  return new Refusal(RUN_EXIT.internalError, `internal error: ${err instanceof Error ? err.message : String(err)}`);
}

/** Runs a command's body and reports a refusal the way every command does: `<command>: <message>` on stderr, its exit status. */
export async function reportingRefusals(command: string, io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    io.stderr(`${command}: ${err.message}\n`);
    return err.status;
  }
}
