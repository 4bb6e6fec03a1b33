/** The `rel="next"` target of an RFC 8288 Link header, if any. */
export function nextLink(header: string | null): URL | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const [, target, params] = match;
    if (target && /;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(params ?? '')) {
      try {
        return new URL(target);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
