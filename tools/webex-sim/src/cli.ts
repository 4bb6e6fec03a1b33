#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { parseConfigPatch } from './config.js';
import { readNumbersSeed, readPeopleSeed } from './seed-files.js';
import { startSimulator } from './start.js';

const usage = `wbp-sim [--port N] [--seed N] [--token T] [--token-no-scope T2]
        [--people FILE] [--people-mobile] [--numbers FILE] [--calling-licenses N[,N…]]
        [--latency-ms N] [--jitter-ms N] [--rate-limit-per-min N] [--min-retry-after-seconds N]
        [--error-rate R] [--hang-rate R] [--reset-rate R] [--malformed-rate R]
        [--missing-field-rate R] [--apply-then-drop-rate R] [--late-apply-rate R] [--late-apply-ms N]
        [--allow-duplicate-location-names]
        [--oauth-client clientId:clientSecret:refreshToken]
Prints one JSON line {"baseUrl","token"} once listening on 127.0.0.1.`;

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
  if (!clientId || !clientSecret || !refreshToken) throw new Error('--oauth-client must be clientId:clientSecret:refreshToken');
  return { clientId, clientSecret, refreshToken };
}

/** `--calling-licenses 500` (one entry) or `50,500` (one entry per subscription). */
function parseCallingLicenses(value: string): number[] {
  const units = value.split(',').map((v) => Number(v.trim()));
  if (units.some((n) => !Number.isInteger(n) || n < 0)) throw new Error('--calling-licenses must be N or N,N,… (whole numbers ≥ 0)');
  return units;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
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
      help: { type: 'boolean', default: false },
      ...Object.fromEntries(Object.keys(numeric).map((k) => [k, { type: 'string' as const }])),
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const patch: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(numeric)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw === 'string') patch[key] = Number(raw);
  }
  if (values['allow-duplicate-location-names']) patch.duplicateLocationNames = 'allow';
  const config = parseConfigPatch(patch);
  const token = values.token ?? `sim-${randomBytes(12).toString('hex')}`;
  const started = await startSimulator({
    ...config,
    token,
    tokenNoScope: values['token-no-scope'],
    port: Number(values.port),
    callingLicenses: parseCallingLicenses(values['calling-licenses']),
    mobileForAll: values['people-mobile'],
    ...(values['oauth-client'] ? { oauthClient: parseOAuthClient(values['oauth-client']) } : {}),
    people: values.people ? await readPeopleSeed(values.people) : [],
    numbers: values.numbers ? await readNumbersSeed(values.numbers) : [],
  });
  process.stdout.write(`${JSON.stringify({ baseUrl: started.baseUrl, token })}\n`);
  const stop = () => void started.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`wbp-sim: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
  process.exit(2);
});
