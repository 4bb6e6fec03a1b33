import { http, HttpResponse, type HttpHandler } from 'msw';
import { parseConfigPatch } from '../config.js';

export interface ControlApi {
  stats: () => unknown;
  state: () => unknown;
  reset: () => void;
  configure: (patch: ReturnType<typeof parseConfigPatch>) => unknown;
}

/** The referee's control API, outside /v1: no auth, no faults. */
export function controlHandlers(api: ControlApi): HttpHandler[] {
  return [
    http.get('*/_sim/stats', () => HttpResponse.json(api.stats() as Record<string, unknown>)),
    http.get('*/_sim/state', () => HttpResponse.json(api.state() as Record<string, unknown>)),
    http.post('*/_sim/reset', () => {
      api.reset();
      return HttpResponse.json({ ok: true });
    }),
    http.post('*/_sim/config', async ({ request }) => {
      try {
        const patch = parseConfigPatch(await request.json());
        return HttpResponse.json(api.configure(patch) as Record<string, unknown>);
      } catch (err) {
        return HttpResponse.json({ message: err instanceof Error ? err.message : String(err) }, { status: 400 });
      }
    }),
  ];
}
