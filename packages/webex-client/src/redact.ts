/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** `Bearer <token>` (RFC 6750 token68 characters), as a server or proxy may reflect the Authorization header. */
const BEARER = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi;
/** `scheme://user:pass@` — the userinfo of a URL, up to the `@` (never across `/`, quotes or spaces). */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>\\]+@/gi;

/**
 * Removes credentials any text may carry whatever the configuration: `Bearer <token>` and the
 * userinfo of URLs (`https://user:pass@host` → `https://[redacted]@host`).
 */
export function scrubCredentials(text: string): string {
  return text.replace(BEARER, `$1 ${REDACTED}`).replace(USERINFO, `$1${REDACTED}@`);
}

/**
 * Shorter configured values are left alone: no real credential is that short, and replacing every
 * `t` of a text because a test set WEBEX_TOKEN=t would shred every message.
 */
export const MIN_SECRET_LENGTH = 8;

/** A scrubber for text on its way out (log, files, terminal); `add` teaches it a secret learnt later. */
export interface Redactor {
  (text: string): string;
  /** From now on also replace this secret (e.g. a refreshed access token). Values shorter than MIN_SECRET_LENGTH are ignored. */
  add(secret: string | undefined): void;
}

/**
 * One scrubber for every sink: replaces each configured secret value (also in the escaped forms a
 * JSON line or a URL would carry it in), then every `Bearer <token>` and URL userinfo.
 */
export function createRedactor(secrets: readonly (string | undefined)[] = []): Redactor {
  const known: string[] = [];
  const add = (secret: string | undefined): void => {
    for (const value of new Set([secret, secret?.trim()])) {
      if (!value || value.length < MIN_SECRET_LENGTH) continue;
      for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])
        if (!known.includes(form)) known.push(form);
    }
    // Longest first, so a secret that contains another is replaced whole.
    known.sort((a, b) => b.length - a.length);
  };
  for (const s of secrets) add(s);
  const redact = ((text: string): string => {
    let out = text;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return scrubCredentials(out);
  }) as Redactor;
  redact.add = add;
  return redact;
}
