import { openSync } from 'node:fs';
import { pino, type Logger } from 'pino';

/** Paths pino blanks out even if a secret is ever handed to the logger by mistake. */
const REDACT = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'WEBEX_TOKEN',
  'WEBEX_REFRESH_TOKEN',
  'WEBEX_CLIENT_SECRET',
  'clientSecret',
  'refreshToken',
];

/**
 * JSON lines to `file` (the run log artifact), written synchronously so a crash loses nothing.
 * Every finished line goes through `redact` before it is written, so no secret value reaches the
 * file whatever field or message carries it.
 */
export function fileLogger(file: string, level: string, redact: (text: string) => string = (text) => text): Logger {
  const destination = pino.destination({ fd: openSync(file, 'a'), sync: true });
  return pino(
    {
      level,
      base: { app: 'wbp' },
      redact: { paths: REDACT, censor: '[redacted]' },
      hooks: { streamWrite: redact },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
