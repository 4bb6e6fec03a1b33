import { accept, quote, refuse, type Normalised } from './result.js';

const LANGUAGE = /^[a-z]{2}_[a-z]{2}$/;

/** Webex language codes are lower-case `language_country` (es_es, en_us); `es-ES` is accepted and rewritten. */
export function normaliseLanguage(value: string): Normalised {
  const v = value.toLowerCase().replace('-', '_');
  if (LANGUAGE.test(v)) return accept(v);
  return refuse('language', `${quote(value)} is not a Webex language code; use language_country in lower case, e.g. es_es or en_us`);
}
