import { openSync } from 'node:fs';
import { pino, type Logger } from 'pino';

/** Paths pino blanks out even if a secret is ever handed to the logger by mistake. */
const REDACT = ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'WEBEX_TOKEN', 'WEBEX_REFRESH_TOKEN', 'WEBEX_CLIENT_SECRET', 'clientSecret', 'refreshToken'];

/** JSON lines to `file` (the run log artifact), written synchronously so a crash loses nothing. */
export function fileLogger(file: string, level: string): Logger {
  const destination = pino.destination({ fd: openSync(file, 'a'), sync: true });
  return pino({ level, base: { app: 'wbp' }, redact: { paths: REDACT, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
