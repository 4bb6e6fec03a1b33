import type { EntityType } from './columns.js';
import { foldLocationKey } from './location-key.js';
import { quote } from './normalise/result.js';
import type { RowIssue, RuleId } from './reasons.js';
import type { NormalisedRow } from './validate-row.js';

interface FirstSeen {
  rowId: number;
  line: number;
  entityKey: string;
}

interface Claim {
  rule: RuleId;
  column: string;
  key: string;
  what: string;
}

/**
 * The cross-row uniqueness rules (input_schema.md §4). The first valid row to claim a key keeps
 * it; a later row with the same key is rejected `duplicate_key` naming the first. Rows rejected for
 * other reasons claim nothing, so fixing a broken first row never silently changes which row wins
 * within one run.
 *
 * Location keys and names compare trimmed and lower-cased, as the executor matches them (Webex
 * location names are case-insensitive). A `location_key` that is the key of a location row above
 * resolves to that location's name, as the executor's directory does, so a location's external id
 * and its name are one location for the extension and assignment rules.
 */
export class DuplicateKeys {
  readonly #seen = new Map<string, FirstSeen>();
  /** Location key (external id or name) of each location row so far → its name, both folded. */
  readonly #locationNames = new Map<string, string>();

  /** A `duplicate_key` issue, or undefined after registering the row's keys. */
  claim(type: EntityType, row: Readonly<NormalisedRow>, rowId: number, line: number): RowIssue | undefined {
    const claims = this.#claimsOf(type, row);
    for (const claim of claims) {
      const first = this.#seen.get(claim.key);
      if (first) return { rule: claim.rule, column: claim.column, message: duplicateMessage(claim, first) };
    }
    for (const claim of claims) this.#seen.set(claim.key, { rowId, line, entityKey: row.entity_key });
    if (type === 'location') this.#locationNames.set(fold(row.entity_key), fold(row.location_name));
    return undefined;
  }

  /** The location a row's location_key names: a location row's name when one above has that key. */
  #location(locationKey: string): string {
    const key = fold(locationKey);
    return this.#locationNames.get(key) ?? key;
  }

  #claimsOf(type: EntityType, row: Readonly<NormalisedRow>): Claim[] {
    switch (type) {
      case 'location':
        return [
          {
            rule: 'duplicate_location_key',
            column: 'entity_key',
            key: `L\0${fold(row.entity_key)}`,
            what: `location key ${quote(row.entity_key)}`,
          },
          {
            rule: 'duplicate_location_name',
            column: 'location_name',
            key: `N\0${fold(row.location_name)}`,
            what: `location name ${quote(row.location_name)}`,
          },
        ];
      case 'user':
        return [{ rule: 'duplicate_email', column: 'email', key: `U\0${row.email}`, what: `user ${row.email}` }];
      case 'extension_assignment': {
        const location = this.#location(row.location_key);
        const claims: Claim[] = [];
        if (row.extension) {
          claims.push({
            rule: 'duplicate_extension',
            column: 'extension',
            key: `E\0${location}\0${row.extension}`,
            what: `extension ${row.extension} at location ${quote(row.location_key)}`,
          });
        }
        if (row.phone_number) {
          claims.push({
            rule: 'duplicate_phone_number',
            column: 'phone_number',
            key: `P\0${row.phone_number}`,
            what: `phone number ${row.phone_number}`,
          });
        }
        claims.push({
          rule: 'duplicate_assignment',
          column: 'email',
          key: `A\0${location}\0${row.email}`,
          what: `user ${row.email} at location ${quote(row.location_key)}`,
        });
        return claims;
      }
    }
  }
}

function duplicateMessage(claim: Claim, first: FirstSeen): string {
  const where = `row ${first.rowId} (line ${first.line})`;
  switch (claim.rule) {
    case 'duplicate_location_name':
      return `${claim.what} is already used by ${where}, location key ${quote(first.entityKey)}; Webex location names are unique regardless of case, so this row would silently update that location: rename it or remove the row; the first occurrence is kept`;
    case 'duplicate_assignment':
      return `${claim.what} already has an extension_assignment in ${where}; a user gets one per location (two would swap the extension on every run): keep one row; the first occurrence is kept`;
    default:
      return `${claim.what} is already used by ${where}; the first occurrence is kept`;
  }
}

/** How the executor compares location keys and names: trimmed, lower case. */
const fold = foldLocationKey;
