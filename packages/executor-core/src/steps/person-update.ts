import type { Person, PersonUpdate } from '@wbp/webex-client';
import { RowStop } from '../outcome.js';

/** People PUT fields that are identity or directory-owned: wbp sends them back exactly as read. */
export const IDENTITY_FIELDS = [
  'emails',
  'displayName',
  'firstName',
  'lastName',
  'nickName',
  'avatar',
  'orgId',
  'roles',
  'licenses',
  'department',
  'manager',
  'managerId',
  'title',
  'addresses',
  'siteUrls',
  'loginEnabled',
  'locationId',
] as const;

/** The primary line's entries in `phoneNumbers`: the only ones a line change may alter. */
const LINE_NUMBER_TYPES: ReadonlySet<string> = new Set(['work', 'work_extension']);

type PhoneNumber = NonNullable<Person['phoneNumbers']>[number];

export interface LineChange {
  extension?: string | undefined;
  workNumber?: string | undefined;
}

/**
 * A People PUT is a full replacement and Webex does not guarantee the order of e-mails in a GET
 * while the PUT takes the first as primary: a person with several addresses could get another
 * primary e-mail from a PUT built from a GET, so such a person is not PUT at all.
 */
export function assertSafeToReplace(read: Person): void {
  const emails = read.emails ?? [];
  if (emails.length > 1) {
    throw new RowStop(
      'precondition_missing',
      `${emails[0]} has ${emails.length} e-mail addresses; Webex does not guarantee their order in a read and a People PUT takes the first as primary, so wbp does not change this person's line: change it in Control Hub, or leave one address in the directory`,
    );
  }
}

/**
 * Pure: the full-replacement People PUT body that changes only the primary line. Every field read
 * is sent back verbatim, including every phone number the directory owns (mobile, fax) and the
 * `work_extension` entry (Webex ignores it for setting the extension); only the `work` number is
 * replaced, and `extension` set.
 */
export function lineChangeBody(read: Person, line: LineChange): PersonUpdate {
  const body: Record<string, unknown> = {};
  for (const key of IDENTITY_FIELDS) if (read[key] !== undefined) body[key] = read[key];
  const extension = line.extension ?? read.extension;
  if (extension) body.extension = extension;
  const kept = (read.phoneNumbers ?? []).filter((n) => n.type !== 'work');
  const workNumber = line.workNumber ?? read.phoneNumbers?.find((n) => n.type === 'work')?.value;
  // The spec's PUT schema lists only `work`, but a full replacement that leaves the others out deletes them.
  body.phoneNumbers = [
    ...(workNumber ? [{ type: 'work', value: workNumber }] : []),
    ...kept.map((n) => ({ type: n.type, value: n.value })),
  ];
  return body as PersonUpdate;
}

/** Invariant before sending: nothing but the line differs from what was read. */
export function assertIdentityUnchanged(read: Person, body: PersonUpdate): void {
  const changed = identityDifferences(read, body as Person)[0];
  if (changed)
    throw new RowStop('unhandled_exception', `invariant breach: the People PUT would change "${changed.attribute}"; nothing was sent`);
}

export interface IdentityDifference {
  attribute: string;
  before: unknown;
  after: unknown;
}

const directoryNumbers = (p: Person): string[] =>
  (p.phoneNumbers ?? [])
    .filter((n: PhoneNumber) => !LINE_NUMBER_TYPES.has(n.type ?? ''))
    .map((n: PhoneNumber) => `${n.type}:${n.value}`)
    .sort();

/** Every attribute other than the primary line that differs between two reads of a person. */
export function identityDifferences(before: Person, after: Person): IdentityDifference[] {
  const out: IdentityDifference[] = [];
  for (const key of IDENTITY_FIELDS) {
    const a = JSON.stringify(before[key] ?? null);
    const b = JSON.stringify(after[key] ?? null);
    if (a !== b) out.push({ attribute: key, before: before[key] ?? null, after: after[key] ?? null });
  }
  const numbersBefore = directoryNumbers(before);
  const numbersAfter = directoryNumbers(after);
  if (JSON.stringify(numbersBefore) !== JSON.stringify(numbersAfter)) {
    out.push({ attribute: 'phoneNumbers (mobile/fax)', before: numbersBefore, after: numbersAfter });
  }
  return out;
}
