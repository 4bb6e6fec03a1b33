import { http, HttpResponse, type HttpHandler } from 'msw';
import type { SimContext } from '../context.js';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/**
 * POST /v1/access_token (grant_type=refresh_token), the OAuth endpoint of a Webex service app.
 * Not part of the REST specs, so not schema-validated: valid client credentials get the org's
 * current admin token, which is how a test rotates the token mid-run and lets wbp recover.
 */
export function oauthHandlers(sim: () => SimContext, client: () => OAuthClient | undefined): HttpHandler[] {
  return [
    http.post('*/v1/access_token', async ({ request }) => {
      const ctx = sim();
      ctx.stats.total++;
      const form = new URLSearchParams(await request.text());
      const c = client();
      const ok =
        c !== undefined &&
        form.get('grant_type') === 'refresh_token' &&
        form.get('client_id') === c.clientId &&
        form.get('client_secret') === c.clientSecret &&
        form.get('refresh_token') === c.refreshToken;
      ctx.stats.count('POST /access_token', ok ? 200 : 400);
      if (!ok)
        return HttpResponse.json(
          { error: 'invalid_grant', error_description: 'The refresh token or client credentials are not valid.' },
          { status: 400 },
        );
      return HttpResponse.json({
        access_token: ctx.config.token,
        expires_in: 1_209_600,
        refresh_token: c.refreshToken,
        refresh_token_expires_in: 7_776_000,
        token_type: 'Bearer',
      });
    }),
  ];
}
