import { nationalNumberOf } from '@wbp/csv-contract';

/**
 * Whether the forward destination Webex holds is the one the CSV asks for. The CSV holds an
 * extension as written or a number in E.164; the spec's examples show Webex returning national
 * numbers without country code ("2225551212") next to E.164 ones ("+13182202021"), and a person
 * may have typed separators in Control Hub. Equal when the digits are equal, or when one side is
 * E.164 and the other its national number, with or without a trunk 0. Strict otherwise (an
 * extension never matches a number): a wrong "differs" costs one PUT of the same value, a wrong
 * "same" would leave the row's wish unapplied.
 */
export function sameDestination(webex: string | undefined, csv: string): boolean {
  if (webex === undefined) return false;
  const clean = (s: string) => s.replace(/[\s\-().]/g, '');
  const a = clean(webex);
  const b = clean(csv);
  if (a === b) return true;
  const [e164, other] = a.startsWith('+') ? [a, b] : [b, a];
  if (!/^\+\d{8,15}$/.test(e164) || !/^\d+$/.test(other)) return false;
  const national = nationalNumberOf(e164);
  return national !== undefined && (other === national || other === `0${national}`);
}
