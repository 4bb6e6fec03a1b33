import { http, HttpResponse, type HttpHandler } from 'msw';
import { parseConfigPatch } from '../config.js';

export interface ControlApi {
  stats: () => unknown;
  state: () => unknown;
  reset: () => void;
  configure: (patch: ReturnType<typeof parseConfigPatch>) => unknown;
  /** A directory sync of one person (see `OrgState.syncPerson`). */
  syncPerson: (person: { email: string; displayName?: string | undefined }) => string;
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
    // Test hook: the LDAP sync brings a person in between two runs ("user_not_found, then fixed").
    http.post('*/_sim/people', async ({ request }) => {
      const body: unknown = await request.json().catch(() => undefined);
      const email = typeof body === 'object' && body !== null && 'email' in body && typeof body.email === 'string' ? body.email : undefined;
      const displayName =
        typeof body === 'object' && body !== null && 'displayName' in body && typeof body.displayName === 'string'
          ? body.displayName
          : undefined;
      if (!email?.includes('@')) return HttpResponse.json({ message: 'give {"email": "…", "displayName"?: "…"}' }, { status: 400 });
      return HttpResponse.json({ id: api.syncPerson({ email, displayName }) });
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
