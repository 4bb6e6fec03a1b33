/** The part of a pino logger the executor uses; pino's Logger satisfies it. */
export interface RunLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  fatal(obj: object, msg?: string): void;
}

export const silentLogger: RunLogger = { info() {}, warn() {}, error() {}, fatal() {} };
