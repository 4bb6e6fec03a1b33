// The one reader of durations written by people (`--time-budget`, TIME_BUDGET, the workflow's
// time_budget input): plain JavaScript so the runner and the workflow scripts (plain `node`) share it.

const UNITS = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** `5h30m`, `90m`, `45s`, `1h`, or plain seconds → whole seconds; undefined when unreadable. */
export function parseDurationSeconds(text) {
  const t = String(text).trim();
  if (t === '') return undefined;
  if (/^\d+$/.test(t)) return Number(t);
  const match = UNITS.exec(t);
  if (!match) return undefined;
  const [, h = '0', m = '0', s = '0'] = match;
  return (Number(h) * 60 + Number(m)) * 60 + Number(s);
}

/** The same in milliseconds. */
export function parseDurationMs(text) {
  const seconds = parseDurationSeconds(text);
  return seconds === undefined ? undefined : seconds * 1000;
}
