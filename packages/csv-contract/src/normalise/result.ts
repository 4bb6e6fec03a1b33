import type { RuleId } from '../reasons.js';

/** A normaliser's answer: the canonical text, or which rule failed and why. */
export type Normalised = { ok: true; value: string } | { ok: false; rule: RuleId; message: string };

export const accept = (value: string): Normalised => ({ ok: true, value });
export const refuse = (rule: RuleId, message: string): Normalised => ({ ok: false, rule, message });

/** A value quoted for a message, cut short so one bad cell cannot flood a report. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}
