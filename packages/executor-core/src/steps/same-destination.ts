/**
 * E.164 country calling codes are prefix-free: these are the one- and two-digit ones, every other
 * is three digits (ITU-T E.164 assigned codes). Knowing the length is what keeps a national number
 * from matching an E.164 number that merely ends in it.
 */
const SHORT_COUNTRY_CODES = new Set([
  '1',
  '7',
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '81',
  '82',
  '84',
  '86',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
]);

function nationalPart(e164Digits: string): string {
  const length = SHORT_COUNTRY_CODES.has(e164Digits.slice(0, 1)) ? 1 : SHORT_COUNTRY_CODES.has(e164Digits.slice(0, 2)) ? 2 : 3;
  return e164Digits.slice(length);
}

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
  const national = nationalPart(e164.slice(1));
  return other === national || other === `0${national}`;
}
