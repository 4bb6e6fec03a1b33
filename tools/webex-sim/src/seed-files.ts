import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { OrgSeed } from './org/org-state.js';

function rows(text: string, file: string, required: string[]): Record<string, string>[] {
  const records = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const header = records[0] ? Object.keys(records[0]) : [];
  const missing = records.length > 0 ? required.filter((c) => !header.includes(c)) : [];
  if (missing.length > 0) throw new Error(`${file}: missing column(s) ${missing.join(', ')}`);
  return records;
}

/**
 * `--people FILE`: email[, display_name][, location_name, extension][, mobile][, fax][, extra_emails]
 * — an existing Calling user at that site with location_name + extension; mobile/fax are
 * directory-owned numbers; extra_emails are further addresses separated by `;` or spaces.
 */
export async function readPeopleSeed(file: string): Promise<OrgSeed['people']> {
  return rows(await readFile(file, 'utf8'), file, ['email']).map((r) => ({
    email: r.email!,
    displayName: r.display_name || undefined,
    locationName: r.location_name || undefined,
    extension: r.extension || undefined,
    mobile: r.mobile || undefined,
    fax: r.fax || undefined,
    extraEmails: r.extra_emails ? r.extra_emails.split(/[;\s]+/).filter(Boolean) : undefined,
  }));
}

/** `--numbers FILE`: location_name, phone_number (inventory delivered once that site exists). */
export async function readNumbersSeed(file: string): Promise<OrgSeed['numbers']> {
  return rows(await readFile(file, 'utf8'), file, ['location_name', 'phone_number']).map((r) => ({
    locationName: r.location_name!,
    phoneNumber: r.phone_number!,
  }));
}
