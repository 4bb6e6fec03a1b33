/**
 * The checks behind the client's options: each option has one rule, and a value that breaks it
 * throws a `TypeError` at construction naming the option, the rule and what was given, instead of
 * misbehaving hours into a job (`retry.retries: -1` would otherwise make no attempt at all).
 */

/** Node keeps no timer longer than this: a longer delay fires after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

export interface Rule {
  test(value: unknown): boolean;
  /** What a good value is, after "must be". */
  text: string;
}

/** A bad value as the error shows it: numbers and short strings as given, anything else by kind. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

export function optionError(path: string, text: string, value: unknown): TypeError {
  return new TypeError(`${path} must be ${text}, got ${shown(value)}`);
}

export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): Rule {
  return {
    test: (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max,
    text: max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`,
  };
}

export function milliseconds(min: number): Rule {
  return { test: wholeNumber(min, MAX_TIMER_MS).test, text: `a whole number of milliseconds from ${min} to ${MAX_TIMER_MS}` };
}

/** A finite number above `min` (or at least `min`), and below `below` when given. */
export function numberAbove(min: number, options: { inclusive?: boolean; below?: number } = {}): Rule {
  const { inclusive = false, below } = options;
  return {
    test: (v) => typeof v === 'number' && Number.isFinite(v) && (inclusive ? v >= min : v > min) && (below === undefined || v < below),
    text: `a number ${inclusive ? '≥' : 'above'} ${min}${below === undefined ? '' : ` and below ${below}`}`,
  };
}

export const aFunction: Rule = { test: (v) => typeof v === 'function', text: 'a function' };
export const aBoolean: Rule = { test: (v) => typeof v === 'boolean', text: 'true or false' };

/**
 * Checks one group of options against its rules: the group must be an object, every key must be
 * one of the rules' (a misspelt or ungrouped option is refused, not ignored), and every value given
 * must pass its rule. Undefined values count as not given. `path` is '' for the top level.
 */
export function checkGroup(path: string, given: unknown, rules: Readonly<Record<string, Rule>>): void {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw optionError(path || 'the options', 'an object', given);
  for (const [key, value] of Object.entries(given)) {
    const at = path ? `${path}.${key}` : key;
    const rule = rules[key];
    if (!rule) throw new TypeError(`unknown option ${at} (${path || 'createWebexClient'} takes ${Object.keys(rules).join(', ')})`);
    if (value !== undefined && !rule.test(value)) throw optionError(at, rule.text, value);
  }
}
