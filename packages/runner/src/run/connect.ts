import type { RunLogger } from '@wbp/executor-core';
import { createWebexClient, type ClientEvent, type EventSink, type WebexClient, type WebexClientOptions } from '@wbp/webex-client';
import type { Redactor } from '@wbp/webex-client/internal';
import type { CliIo } from '../io.js';
import type { RunConfig } from './run-config.js';
import { startupClient } from './startup-checks.js';
import { refreshingToken } from './token-refresh.js';

/** The clients a command talks to Webex with. */
export interface Connection {
  /** The client of the rows (or of the plan's reads). */
  client: WebexClient;
  /** The start-up checks' client: short budgets, the same rate controller. */
  startup: WebexClient;
  /** Requests sent so far by both (`request` and `hedge` events), for the logs and the plan. */
  requests(): number;
  close(): Promise<void>;
}

export interface ConnectOptions {
  config: RunConfig;
  log: RunLogger;
  redact: Redactor;
  /** The unscrubbed output: `::add-mask::` must reach GitHub Actions with the secret in it. */
  rawIo: CliIo;
  /** What else the command does with the client's events (the run logs retries and 429 storms). */
  onEvent?: (event: ClientEvent, client: WebexClient) => void;
}

/**
 * The Webex clients of a command, from the configuration: a service app's token is refreshed on a
 * 401 (a refresh is a call to the token endpoint, not to the org), and every new token is added to
 * the scrubber, and masked in GitHub Actions, before it is used.
 */
export function connect({ config, log, redact, rawIo, onEvent }: ConnectOptions): Connection {
  const token = config.serviceApp
    ? refreshingToken(
        config.client.auth.token,
        config.serviceApp,
        config.client.baseUrl,
        (ok, detail) => (ok ? log.info({ event: 'token_refresh', ok }, detail) : log.error({ event: 'token_refresh', ok }, detail)),
        (secret) => {
          redact.add(secret);
          // Unredacted on purpose: this line is what tells Actions to mask the secret.
          if (rawIo.env.GITHUB_ACTIONS === 'true') rawIo.stdout(`::add-mask::${secret}\n`);
        },
      )
    : undefined;
  let requests = 0;
  let client: WebexClient | undefined;
  const events: EventSink = (e) => {
    if (e.type === 'request' || e.type === 'hedge') requests++;
    if (client) onEvent?.(e, client);
  };
  const options: WebexClientOptions = {
    ...config.client,
    ...(token ? { auth: { token: token.token, refresh: token.refresh } } : {}),
    onEvent: events,
  };
  client = createWebexClient(options);
  const startup = startupClient(options, client);
  const run = client;
  return {
    client: run,
    startup,
    requests: () => requests,
    close: async () => {
      await Promise.all([startup.close(), run.close()]);
    },
  };
}

/** run.log's lines for the client's events: each retry, and one line per rate-limit storm (its other 429s are the same pause). */
export function logClientEvents(log: RunLogger): (event: ClientEvent, client: WebexClient) => void {
  return (e, client) => {
    if (e.type === 'retry')
      log.warn(
        {
          event: 'retry',
          method: e.method,
          path: e.path,
          attempt: e.attempt,
          retries_left: e.retriesLeft,
          http_status: e.status,
          failure: e.failure,
          tracking_id: e.trackingId,
        },
        'retrying',
      );
    else if (e.type === 'rate_limited' && e.newStorm) {
      const rate = client.rate.snapshot();
      log.warn(
        {
          event: 'rate_limited',
          path: e.path,
          retry_after_ms: e.retryAfterMs,
          concurrency: rate.concurrency,
          pace_per_s: rate.pacePerSecond,
          storms: rate.storms,
        },
        'rate limited: every caller pauses once, then requests leave at the learnt pace',
      );
    }
  };
}
