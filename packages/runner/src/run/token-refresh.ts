import * as v from 'valibot';
import type { ServiceApp } from './run-config.js';

const TokenResponse = v.object({ access_token: v.pipe(v.string(), v.minLength(1)), refresh_token: v.optional(v.string()) });

/** At most this many refreshes per run: a refresh that keeps "working" but keeps failing must not loop. */
const MAX_REFRESHES = 20;

/**
 * A service app's access token, refreshed through the OAuth endpoint (`POST {base}/access_token`,
 * grant_type=refresh_token) when Webex answers 401. Concurrent 401s share one refresh. Nothing
 * here is ever logged or put in an error message.
 */
export function refreshingToken(
  initial: string,
  app: ServiceApp,
  baseUrl: string,
  onRefresh: (ok: boolean, detail: string) => void,
  /** Called with every new secret before it is used (GitHub Actions: `::add-mask::`). */
  mask: (secret: string) => void = () => undefined,
) {
  let token = initial;
  let refreshToken = app.refreshToken;
  let inFlight: Promise<boolean> | undefined;
  let refreshes = 0;
  const refresh = async (): Promise<boolean> => {
    if (refreshes >= MAX_REFRESHES) return false;
    refreshes++;
    // A plain timer, not AbortSignal.timeout: Node 20 holds that one weakly (see webex-client linked-abort).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), 20_000);
    try {
      const response = await fetch(`${baseUrl.replace(/\/$/, '')}/access_token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: app.clientId,
          client_secret: app.clientSecret,
          refresh_token: refreshToken,
        }),
        signal: deadline.signal,
      });
      const parsed = v.safeParse(TokenResponse, await response.json().catch(() => undefined));
      if (!response.ok || !parsed.success) {
        onRefresh(false, `token refresh refused (HTTP ${response.status})`);
        return false;
      }
      mask(parsed.output.access_token);
      if (parsed.output.refresh_token) mask(parsed.output.refresh_token);
      token = parsed.output.access_token;
      if (parsed.output.refresh_token) refreshToken = parsed.output.refresh_token;
      onRefresh(true, 'access token refreshed');
      return true;
    } catch (err) {
      onRefresh(false, `token refresh failed: ${err instanceof Error ? err.name : 'error'}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    token: () => token,
    refresh: () => (inFlight ??= refresh().finally(() => (inFlight = undefined))),
  };
}
