#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfigPatch } from './config.js';
import { readNumbersSeed, readPeopleSeed } from './seed-files.js';
import { startSimulator } from './start.js';

const usage = `usage: wbp-sim [--port N] [--seed N] [--token T] [--token-no-scope T2]
        [--people FILE] [--people-mobile] [--numbers FILE] [--calling-licenses N[,N…]]
        [--latency-ms N] [--jitter-ms N] [--rate-limit-per-min N] [--min-retry-after-seconds N]
        [--error-rate R] [--hang-rate R] [--reset-rate R] [--malformed-rate R]
        [--missing-field-rate R] [--apply-then-drop-rate R] [--late-apply-rate R] [--late-apply-ms N]
        [--allow-duplicate-location-names]
        [--oauth-client clientId:clientSecret:refreshToken] [--help] [--version]
Prints one JSON line {"baseUrl","token"} on stdout once listening on 127.0.0.1.
Exit statuses: 0 stopped by SIGINT/SIGTERM (or --help, --version); 1 could not start; 2 bad arguments.`;

/** A mistake on the command line: reported with the usage, exit 2. */
class UsageError extends Error {}

const numeric = {
  'latency-ms': 'latencyMs',
  'jitter-ms': 'jitterMs',
  'rate-limit-per-min': 'rateLimitPerMin',
  'error-rate': 'errorRate',
  'hang-rate': 'hangRate',
  'reset-rate': 'resetRate',
  'malformed-rate': 'malformedRate',
  'missing-field-rate': 'missingFieldRate',
  'apply-then-drop-rate': 'applyThenDropRate',
  'late-apply-rate': 'lateApplyRate',
  'late-apply-ms': 'lateApplyMs',
  'min-retry-after-seconds': 'minRetryAfterSeconds',
  seed: 'seed',
} as const;

/** `--oauth-client id:secret:refreshToken` */
function parseOAuthClient(value: string) {
  const [clientId, clientSecret, refreshToken] = value.split(':');
  if (!clientId || !clientSecret || !refreshToken) throw new UsageError('--oauth-client must be clientId:clientSecret:refreshToken');
  return { clientId, clientSecret, refreshToken };
}

/** `--calling-licenses 500` (one entry) or `50,500` (one entry per subscription). */
function parseCallingLicenses(value: string): number[] {
  const units = value.split(',').map((v) => Number(v.trim()));
  if (units.some((n) => !Number.isInteger(n) || n < 0)) throw new UsageError('--calling-licenses must be N or N,N,… (whole numbers ≥ 0)');
  return units;
}

/** The command line, checked: every mistake is a UsageError. */
function parseCommandLine(args: string[]) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      'token-no-scope': { type: 'string' },
      people: { type: 'string' },
      numbers: { type: 'string' },
      'calling-licenses': { type: 'string', default: '100000' },
      'allow-duplicate-location-names': { type: 'boolean', default: false },
      'people-mobile': { type: 'boolean', default: false },
      'oauth-client': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
      ...Object.fromEntries(Object.keys(numeric).map((k) => [k, { type: 'string' as const }])),
    },
  });
  const patch: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(numeric)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw === 'string') patch[key] = Number(raw);
  }
  if (values['allow-duplicate-location-names']) patch.duplicateLocationNames = 'allow';
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got ${values.port}`);
  return {
    values,
    port,
    config: parseConfigPatch(patch),
    callingLicenses: parseCallingLicenses(values['calling-licenses']),
    ...(values['oauth-client'] ? { oauthClient: parseOAuthClient(values['oauth-client']) } : {}),
  };
}

async function main(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(args);
  } catch (err) {
    // parseArgs' own errors (unknown option, missing value) and the config's range checks are all usage mistakes.
    process.stderr.write(`wbp-sim: ${err instanceof Error ? err.message : String(err)}\n\n${usage}\n`);
    return 2;
  }
  const { values, port, config, callingLicenses, oauthClient } = parsed;
  if (values.help || values.version) {
    // The version from the package.json one folder up (of src/, as of a dist/ build).
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${values.help ? usage : version}\n`);
    return 0;
  }
  const token = values.token ?? `sim-${randomBytes(12).toString('hex')}`;
  const started = await startSimulator({
    ...config,
    token,
    tokenNoScope: values['token-no-scope'],
    port,
    callingLicenses,
    mobileForAll: values['people-mobile'],
    ...(oauthClient ? { oauthClient } : {}),
    people: values.people ? await readPeopleSeed(values.people) : [],
    numbers: values.numbers ? await readNumbersSeed(values.numbers) : [],
  });
  process.stdout.write(`${JSON.stringify({ baseUrl: started.baseUrl, token })}\n`);
  const stop = () => void started.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    // Could not start (a seed file unreadable, the port taken): not a usage mistake.
    process.stderr.write(`wbp-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
