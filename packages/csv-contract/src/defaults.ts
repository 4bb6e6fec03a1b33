import { DEFAULTABLE_COLUMNS, type DefaultableColumn } from './columns.js';
import { ContractConfigError } from './errors.js';
import { normaliseCountry, normaliseLanguage, normaliseTimeZone, type Normalised } from './normalise/index.js';
import { cleanCell, normaliseText } from './normalise/text.js';
import type { ContractDefaults } from './validate-row.js';

const NORMALISERS: Record<DefaultableColumn, (value: string) => Normalised> = {
  preferred_language: normaliseLanguage,
  announcement_language: normaliseLanguage,
  address_state: (value) => normaliseText(value, 255),
  address_country: normaliseCountry,
  time_zone: normaliseTimeZone,
};

/**
 * Checks and normalises the operator's explicit defaults. Only these five location columns can
 * have one, and only when the operator says so: the contract never invents a value (§1.2).
 */
export function resolveDefaults(defaults: Readonly<Record<string, string | undefined>> = {}): ContractDefaults {
  const resolved: ContractDefaults = {};
  for (const [column, raw] of Object.entries(defaults)) {
    if (raw === undefined) continue;
    if (!(DEFAULTABLE_COLUMNS as readonly string[]).includes(column)) {
      throw new ContractConfigError(`no default can be set for ${column}; only ${DEFAULTABLE_COLUMNS.join(', ')}`);
    }
    const value = cleanCell(raw);
    const result =
      value === '' ? ({ ok: false, rule: 'required', message: 'is empty' } as const) : NORMALISERS[column as DefaultableColumn](value);
    if (!result.ok) throw new ContractConfigError(`default ${column}=${raw}: ${result.message}`);
    resolved[column as DefaultableColumn] = result.value;
  }
  return resolved;
}
