import type { EntityType } from './columns.js';
import { quote } from './normalise/result.js';
import type { RowIssue, RuleId } from './reasons.js';
import type { NormalisedRow } from './validate-row.js';

interface FirstSeen {
  rowId: number;
  line: number;
}

interface Claim {
  rule: RuleId;
  column: string;
  key: string;
  what: string;
}

/**
 * The cross-row uniqueness rules (term sheet §4.3). The first valid row to claim a key keeps it;
 * a later row with the same key is rejected `duplicate_key` naming the first. Rows rejected for
 * other reasons claim nothing, so fixing a broken first row never silently changes which row wins
 * within one run. Location keys compare case-insensitively, like Webex location names.
 */
export class DuplicateKeys {
  readonly #seen = new Map<string, FirstSeen>();

  /** A `duplicate_key` issue, or undefined after registering the row's keys. */
  claim(type: EntityType, row: Readonly<NormalisedRow>, rowId: number, line: number): RowIssue | undefined {
    const claims = claimsOf(type, row);
    for (const claim of claims) {
      const first = this.#seen.get(claim.key);
      if (first) {
        return {
          rule: claim.rule,
          column: claim.column,
          message: `${claim.what} is already used by row ${first.rowId} (line ${first.line}); the first occurrence is kept`,
        };
      }
    }
    for (const claim of claims) this.#seen.set(claim.key, { rowId, line });
    return undefined;
  }
}

function claimsOf(type: EntityType, row: Readonly<NormalisedRow>): Claim[] {
  switch (type) {
    case 'location':
      return [{ rule: 'duplicate_location_key', column: 'entity_key', key: `L\0${row.entity_key.toLowerCase()}`, what: `location key ${quote(row.entity_key)}` }];
    case 'user':
      return [{ rule: 'duplicate_email', column: 'email', key: `U\0${row.email}`, what: `user ${row.email}` }];
    case 'extension_assignment': {
      const claims: Claim[] = [];
      if (row.extension) {
        claims.push({
          rule: 'duplicate_extension',
          column: 'extension',
          key: `E\0${row.location_key.toLowerCase()}\0${row.extension}`,
          what: `extension ${row.extension} at location ${quote(row.location_key)}`,
        });
      }
      if (row.phone_number) {
        claims.push({ rule: 'duplicate_phone_number', column: 'phone_number', key: `P\0${row.phone_number}`, what: `phone number ${row.phone_number}` });
      }
      return claims;
    }
  }
}
