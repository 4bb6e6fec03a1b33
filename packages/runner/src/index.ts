export { main, COMMANDS } from './cli.js';
export { validateCommand } from './commands/validate.js';
export { EXIT, UsageError, processIo, type CliIo } from './io.js';
export type { Command } from './command.js';
