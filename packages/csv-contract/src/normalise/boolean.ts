import { accept, quote, refuse, type Normalised } from './result.js';

const TRUE = new Set(['true', '1', 'yes', 'sí', 'si', 'verdadero']);
const FALSE = new Set(['false', '0', 'no', 'falso']);

/**
 * true/false/1/0/yes/no/sí/si in any case → `true`/`false`. VERDADERO/FALSO are accepted too:
 * that is how a Spanish-locale Excel writes booleans when it saves a CSV.
 */
export function normaliseBoolean(value: string): Normalised {
  const v = value.toLowerCase();
  if (TRUE.has(v)) return accept('true');
  if (FALSE.has(v)) return accept('false');
  return refuse('boolean', `${quote(value)} is not a boolean; use true/false (also 1/0, yes/no, sí/no)`);
}
