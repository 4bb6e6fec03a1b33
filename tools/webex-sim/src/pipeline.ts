import { http, HttpResponse, type HttpHandler } from 'msw';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Resolver, ResolverArgs, SimContext, SimReply } from './context.js';
import { SimHttpError } from './sim-error.js';
import { validateRequest } from './validate-request.js';

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The mutations a gateway may time out on while the backend goes on (`lateApplyRate`). */
const LATE_APPLY = new Set(['POST /locations', 'POST /telephony/config/locations', 'PATCH /licenses/users']);
/** A hung request is released after this long even if the client never gives up. */
const MAX_HANG_MS = 5 * 60_000;

export function errorBody(message: string, trackingId: string, errorCode?: number) {
  return {
    message,
    errors: [{ ...(errorCode !== undefined ? { errorCode } : {}), description: message }],
    trackingId,
  };
}

function reply(sim: SimContext, operation: string, trackingId: string, r: SimReply): Response {
  sim.stats.count(operation, r.status);
  const headers = { trackingid: trackingId, ...(r.headers ?? {}) };
  if (r.body === undefined) return new HttpResponse(null, { status: r.status, headers });
  return HttpResponse.json(r.body as Record<string, unknown>, { status: r.status, headers });
}

function fail(
  sim: SimContext,
  operation: string,
  trackingId: string,
  status: number,
  message: string,
  errorCode?: number,
  headers?: Record<string, string>,
): Response {
  return reply(sim, operation, trackingId, { status, body: errorBody(message, trackingId, errorCode), ...(headers ? { headers } : {}) });
}

async function hang(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await sleep(MAX_HANG_MS, undefined, { signal }).catch(() => undefined);
}

async function readBody(request: Request): Promise<{ present: boolean; value: unknown; parseError?: boolean }> {
  const text = await request.text();
  if (text.trim() === '') return { present: false, value: undefined };
  try {
    return { present: true, value: JSON.parse(text) as unknown };
  } catch {
    return { present: true, value: undefined, parseError: true };
  }
}

function latency(sim: SimContext): number {
  const { latencyMs, jitterMs } = sim.config;
  if (latencyMs <= 0 && jitterMs <= 0) return 0;
  return Math.max(0, latencyMs + (sim.random() * 2 - 1) * jitterMs);
}

/**
 * The backend half of a request answered 504: the mutation is applied `lateApplyMs` later, against
 * the org as it is then. A conflict with what happened meanwhile (the name now taken, the licence
 * already held, no unit left) makes it a silent no-op — `late` tells the org to count nothing —
 * and a reset in between discards it.
 */
function applyLate(getSim: () => SimContext, resolver: Resolver, args: ResolverArgs): void {
  const { org, stats } = args.sim;
  stats.lateApplyScheduled++;
  const timer = setTimeout(async () => {
    if (getSim().org !== org) return;
    try {
      const result = await resolver(args);
      if (result.status >= 200 && result.status < 300) stats.lateApplied++;
      else stats.lateApplyDiscarded++;
    } catch (err) {
      if (!(err instanceof SimHttpError)) throw err;
      stats.lateApplyDiscarded++;
    }
  }, args.sim.config.lateApplyMs);
  timer.unref();
}

/**
 * One Webex operation as an msw handler, behind the same pipeline for every operation:
 * latency → hang/reset faults → auth → rate limit → 5xx fault → request validation → late apply
 * (504 now, applied later) → the org model → apply-then-drop → malformed/missing-field faults. Runs in-process under msw and behind
 * the real HTTP server alike.
 */
export function operation(getSim: () => SimContext, key: string, resolver: Resolver): HttpHandler {
  const [method, template] = key.split(' ') as [string, string];
  const mswPath = `*/v1${template.replace(/\{(\w+)\}/g, ':$1')}`;
  const register = http[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'];
  return register(mswPath, async ({ request, params }) => {
    const sim = getSim();
    const { config, stats } = sim;
    stats.total++;
    sim.onRequest?.(key, stats.total);
    const trackingId = sim.nextTrackingId();
    const delayMs = latency(sim);
    if (delayMs > 0) await sleep(delayMs);

    if (sim.random() < config.hangRate) {
      stats.count(key, 'hang');
      await hang(request.signal);
      return HttpResponse.error();
    }
    if (sim.random() < config.resetRate) {
      stats.count(key, 'reset');
      return HttpResponse.error();
    }

    const auth = request.headers.get('authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (token === '' || (token !== config.token && token !== config.tokenNoScope)) {
      return fail(sim, key, trackingId, 401, 'The request requires a valid access token set in the Authorization request header.');
    }
    if (token === config.tokenNoScope && key !== 'GET /people/me') {
      return fail(sim, key, trackingId, 403, 'The token does not have the scopes this operation requires (spark-admin:*).');
    }
    const waitMs = sim.buckets.take(token);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(config.minRetryAfterSeconds), Math.ceil(waitMs / 1000));
      return fail(sim, key, trackingId, 429, 'Too Many Requests', undefined, { 'Retry-After': String(seconds) });
    }
    if (sim.random() < config.errorRate) {
      const status = [500, 502, 503, 504][Math.floor(sim.random() * 4)]!;
      return fail(sim, key, trackingId, status, 'The service is temporarily unavailable.');
    }

    const url = new URL(request.url);
    const body = await readBody(request);
    const problems = validateRequest(key, url.searchParams, body);
    if (problems.length > 0) {
      stats.invalid++;
      if (stats.invalidSamples.length < 50) stats.invalidSamples.push({ operation: key, problems });
      return fail(sim, key, trackingId, 400, `Invalid request: ${problems.slice(0, 5).join('; ')}`);
    }

    const args: ResolverArgs = {
      request,
      params: params as Record<string, string>,
      query: url.searchParams,
      body: body.value,
      baseUrl: `${url.origin}/v1`,
      sim,
      late: false,
    };
    // Drawn only when enabled, so existing seeded fault profiles replay as before.
    if (LATE_APPLY.has(key) && config.lateApplyRate > 0 && sim.random() < config.lateApplyRate) {
      applyLate(getSim, resolver, { ...args, late: true });
      return fail(sim, key, trackingId, 504, 'Gateway Timeout');
    }

    let result: SimReply;
    try {
      result = await resolver(args);
    } catch (err) {
      if (err instanceof SimHttpError) return fail(sim, key, trackingId, err.status, err.message, err.errorCode);
      throw err;
    }

    const ok = result.status >= 200 && result.status < 300;
    if (ok && MUTATIONS.has(method) && sim.random() < config.applyThenDropRate) {
      stats.count(key, 'reset');
      return HttpResponse.error();
    }
    if (ok && result.body !== undefined && sim.random() < config.malformedRate) {
      stats.count(key, result.status);
      return new HttpResponse('{"truncated": ', {
        status: result.status,
        headers: { trackingid: trackingId, 'Content-Type': 'application/json' },
      });
    }
    if (ok && result.requiredFields?.length && sim.random() < config.missingFieldRate) {
      const copy = { ...(result.body as Record<string, unknown>) };
      delete copy[result.requiredFields[0]!];
      return reply(sim, key, trackingId, { ...result, body: copy });
    }
    return reply(sim, key, trackingId, result);
  });
}

/** Anything under /v1 the simulator does not serve: a bug in the caller, so counted as invalid. */
export function unknownOperation(getSim: () => SimContext): HttpHandler {
  return http.all('*/v1/*', ({ request }) => {
    const sim = getSim();
    sim.stats.total++;
    sim.stats.invalid++;
    const key = `${request.method} ${new URL(request.url).pathname.replace(/^\/v1/, '')}`;
    if (sim.stats.invalidSamples.length < 50) sim.stats.invalidSamples.push({ operation: key, problems: ['no such operation'] });
    return fail(sim, 'unknown', sim.nextTrackingId(), 404, `No such operation: ${key}`);
  });
}
