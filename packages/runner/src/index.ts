export { main, COMMANDS } from './cli.js';
export { validateCommand } from './commands/validate.js';
export { EXIT, UsageError, processIo, type CliIo } from './io.js';
export type { Command } from './command.js';
export { runCommand } from './commands/run.js';
export { RUN_EXIT, EXIT_MEANING } from './run/exit-status.js';
export { throughputSeries, throughputMermaid } from './run/throughput-chart.js';
export { toRunConfig, RunConfigError, RUN_ENV_VARIABLES, type RunConfig, type RunEnv } from './run/run-config.js';
export { parseDuration } from './run/duration.js';
