import { CANONICAL_COLUMNS, normaliseBoolean } from '@wbp/csv-contract';
import { SPANISH_FIRST_NAMES, SPANISH_LAST_NAMES, US_FIRST_NAMES, US_LAST_NAMES } from './data/names.js';
import { SPANISH_CITIES, US_CITIES, type City } from './data/sites.js';
import { Prng } from './prng.js';

/** input.csv columns: the contract plus `display_name`, which a few deliberately bad rows fill. */
export const INPUT_COLUMNS = [...CANONICAL_COLUMNS, 'display_name'] as const;
export type InputColumn = (typeof INPUT_COLUMNS)[number];
export type InputRow = Record<InputColumn, string>;

/** people.csv (simulator seed): directory people; location_name + extension = an existing Calling user. */
export const PEOPLE_COLUMNS = ['email', 'display_name', 'location_name', 'extension'] as const;
export type PersonSeed = Record<(typeof PEOPLE_COLUMNS)[number], string>;

/** numbers.csv (simulator seed): numbers in a location's inventory once that location exists. */
export const NUMBERS_COLUMNS = ['location_name', 'phone_number'] as const;
export type NumberSeed = Record<(typeof NUMBERS_COLUMNS)[number], string>;

export interface GenerateOptions {
  /** Total rows of input.csv. */
  rows: number;
  seed: number;
  /** E-mail domain. Default example.com. */
  domain?: string;
}

export interface GeneratedSite {
  input: InputRow[];
  people: PersonSeed[];
  numbers: NumberSeed[];
  /** row_id → the rule the deliberately broken row must be rejected for (input_schema.md). */
  expectedRejections: Map<number, string>;
  stats: {
    rows: number;
    locations: number;
    users: number;
    assignments: number;
    withPhoneNumber: number;
    withSettings: number;
    invalid: number;
    absentFromDirectory: number;
    extensionsTaken: number;
    numbers: number;
  };
}

/** Users per location ("about one location per 700 users"). */
const USERS_PER_LOCATION = 700;
const PHONE_SHARE = 0.3;
const SETTINGS_SHARE = 0.25;
const INVALID_SHARE = 0.01;
const ABSENT_SHARE = 0.01;
const SPARE_NUMBERS_PER_LOCATION = 5;

interface Site {
  city: City;
  name: string;
  key: string;
  nextExtension: number;
  numbers: NumberBlock;
}

interface User {
  site: Site;
  email: string;
  displayName: string;
  extension: string;
  phone: string;
}

/**
 * A realistic site CSV: all location rows, then one user row per user, then one
 * extension_assignment row per user (an extension always, an E.164 number for ~30%). About 1% of
 * the rows are broken on purpose (each recorded in `expectedRejections`), ~1% of users are missing
 * from the directory seed, and a few extensions are already held by someone else in the seed.
 * Everything follows from `seed`.
 */
export function generateSite(options: GenerateOptions): GeneratedSite {
  const total = Math.max(1, Math.floor(options.rows));
  const domain = options.domain ?? 'example.com';
  const rng = new Prng(options.seed);

  const locationCount = Math.max(1, Math.ceil(total / (2 * USERS_PER_LOCATION + 1)));
  const userCount = Math.ceil((total - locationCount) / 2);
  const assignmentCount = total - locationCount - userCount;

  const emails = new UniqueEmails(domain);
  const blocks = new NumberBlocks();
  const perCity = new Map<City, number>();
  const sites: Site[] = [];
  const input: InputRow[] = [];

  for (let i = 0; i < locationCount; i++) {
    const city = rng.pick(rng.chance(0.55) ? SPANISH_CITIES : US_CITIES);
    const n = perCity.get(city) ?? 0;
    perCity.set(city, n + 1);
    const area = city.areas[n % city.areas.length] as string;
    const name = `${city.city} ${area}${n >= city.areas.length ? ` ${Math.floor(n / city.areas.length) + 1}` : ''}`;
    const externalId = rng.chance(0.8) ? `${city.country}-${city.code}-${String(n + 1).padStart(2, '0')}` : '';
    const site: Site = { city, name, key: externalId || name, nextExtension: 1000 * rng.between(1, 5), numbers: blocks.allocate(city) };
    sites.push(site);
    input.push(
      row({
        entity_type: 'location',
        location_name: name,
        location_external_id: externalId,
        time_zone: city.timeZone,
        preferred_language: city.language,
        announcement_language: city.language,
        address_line1:
          city.country === 'ES' ? `${rng.pick(city.streets)}, ${rng.between(1, 250)}` : `${rng.between(1, 2500)} ${rng.pick(city.streets)}`,
        address_line2: rng.chance(0.4) ? (city.country === 'ES' ? `Planta ${rng.between(1, 20)}` : `Floor ${rng.between(2, 60)}`) : '',
        address_city: city.city,
        address_state: city.state,
        address_postal_code: `${city.postalPrefix}${String(rng.between(1, 99)).padStart(5 - city.postalPrefix.length, '0')}`,
        address_country: city.country,
      }),
    );
  }

  const users: User[] = [];
  let withSettings = 0;
  /** Users with calling settings: the site-rollout ones are added once their phone number is known. */
  const settled: { user: User; row: InputRow }[] = [];
  for (let u = 0; u < userCount; u++) {
    const site = sites[Math.floor((u * locationCount) / userCount)] as Site;
    const spanish = site.city.country === 'ES';
    const first = rng.pick(spanish ? SPANISH_FIRST_NAMES : US_FIRST_NAMES);
    const last = spanish
      ? `${rng.pick(SPANISH_LAST_NAMES)}${rng.chance(0.3) ? ` ${rng.pick(SPANISH_LAST_NAMES)}` : ''}`
      : rng.pick(US_LAST_NAMES);
    const email = emails.next(first, last);
    const user: User = { site, email, displayName: `${first} ${last}`, extension: String(site.nextExtension++), phone: '' };
    users.push(user);

    const settings = rng.chance(SETTINGS_SHARE) ? callingSettings(rng, site) : {};
    const userRow = row({
      entity_type: 'user',
      location_key: site.key,
      email: rng.chance(0.05) ? capitalise(email) : email,
      calling_enabled: rng.chance(0.1) ? rng.pick(['true', 'TRUE', 'yes', 'sí', '1']) : rng.chance(0.02) ? 'false' : '',
      ...settings,
    });
    input.push(userRow);
    if (Object.keys(settings).length > 0) {
      withSettings++;
      settled.push({ user, row: userRow });
    }
  }

  let withPhoneNumber = 0;
  for (const user of users.slice(0, assignmentCount)) {
    if (rng.chance(PHONE_SHARE)) {
      user.phone = user.site.numbers.take();
      withPhoneNumber++;
    }
    input.push(
      row({
        entity_type: 'extension_assignment',
        location_key: user.site.key,
        email: user.email,
        extension: user.extension,
        phone_number: user.phone && rng.chance(0.1) ? spaced(user.phone) : user.phone,
        caller_id_selected: user.phone && rng.chance(0.5) ? 'direct_line' : '',
      }),
    );
  }

  // A stream of its own, so the sites generated before these columns existed stay as they were.
  const rolloutRng = new Prng((options.seed ^ ROLLOUT_STREAM) >>> 0);
  for (const { user, row: userRow } of settled) Object.assign(userRow, rolloutSettings(rolloutRng, user, userRow));

  const expectedRejections = breakRows(rng, input, locationCount, Math.round(total * INVALID_SHARE));

  const absent = new Set(rng.sample(userCount, Math.round(userCount * ABSENT_SHARE)).map((i) => users[i]?.email));
  const people: PersonSeed[] = users
    .filter((user) => !absent.has(user.email))
    .map((user) => ({ email: user.email, display_name: user.displayName, location_name: '', extension: '' }));

  // a few extensions someone else already holds at that site, as the simulator will see it
  const takeable = users.slice(0, assignmentCount).filter((_, i) => !expectedRejections.has(locationCount + userCount + i + 1));
  const taken = rng.sample(takeable.length, assignmentCount > 0 ? Math.max(1, Math.floor(userCount / 2000)) : 0);
  for (const index of taken) {
    const holder = takeable[index] as User;
    const spanish = holder.site.city.country === 'ES';
    const first = rng.pick(spanish ? SPANISH_FIRST_NAMES : US_FIRST_NAMES);
    const last = rng.pick(spanish ? SPANISH_LAST_NAMES : US_LAST_NAMES);
    people.push({
      email: emails.next(first, last),
      display_name: `${first} ${last}`,
      location_name: holder.site.name,
      extension: holder.extension,
    });
  }

  const numbers: NumberSeed[] = [];
  for (const site of sites) {
    for (const phone of site.numbers.taken()) numbers.push({ location_name: site.name, phone_number: phone });
    for (let i = 0; i < SPARE_NUMBERS_PER_LOCATION; i++) numbers.push({ location_name: site.name, phone_number: site.numbers.take() });
  }

  return {
    input,
    people,
    numbers,
    expectedRejections,
    stats: {
      rows: input.length,
      locations: locationCount,
      users: userCount,
      assignments: assignmentCount,
      withPhoneNumber,
      withSettings,
      invalid: expectedRejections.size,
      absentFromDirectory: absent.size,
      extensionsTaken: taken.length,
      numbers: numbers.length,
    },
  };
}

function row(values: Partial<InputRow>): InputRow {
  const out = {} as InputRow;
  for (const column of INPUT_COLUMNS) out[column] = values[column] ?? '';
  return out;
}

/** A share of users get some calling settings, written the varied ways engineers write them. */
function callingSettings(rng: Prng, site: Site): Partial<InputRow> {
  const bool = (): string => rng.pick(['true', 'false', 'sí', 'no', 'yes', '1', '0', 'TRUE', 'False']);
  const settings: Partial<InputRow> = {};
  if (rng.chance(0.6)) settings.calling_settings_call_waiting = bool();
  if (rng.chance(0.4)) settings.calling_settings_do_not_disturb = bool();
  if (rng.chance(0.5)) settings.calling_settings_voicemail = bool();
  if (rng.chance(0.15)) {
    settings.calling_settings_forward_always = rng.chance(0.5)
      ? String(Math.max(site.nextExtension - 1, 1000))
      : site.city.country === 'ES'
        ? `+34 6${rng.between(10, 99)} ${rng.between(100, 999)} ${rng.between(100, 999)}`
        : `+1 (${site.city.dialPrefix}) 555-01${String(rng.between(0, 99)).padStart(2, '0')}`;
  }
  if (rng.chance(0.2)) settings.calling_settings_caller_id = 'location_number';
  if (Object.keys(settings).length === 0) settings.calling_settings_call_waiting = 'true';
  return settings;
}

const ROLLOUT_STREAM = 0x5e771465;
/** Whether a boolean cell says false, by the contract's own rule (the generator writes many spellings). */
const saysFalse = (cell: string): boolean => {
  const n = normaliseBoolean(cell);
  return n.ok && n.value === 'false';
};

/**
 * The site-rollout settings (input_schema.md §2.3, the columns after caller ID) for a user who has
 * calling settings, in the proportions docs/performance.md states: each column on a small share
 * of those users, so most rows leave them empty. No combination contradicts another
 * (`setting_conflict`); the emergency callback number is DIRECT_LINE only for a user with a number.
 */
function rolloutSettings(rng: Prng, user: User, current: InputRow): Partial<InputRow> {
  const out: Partial<InputRow> = {};
  const bool = (): string => rng.pick(['true', 'false', 'sí', 'no', 'yes', 'TRUE']);
  const destination = (): string =>
    rng.chance(0.6)
      ? String(user.site.nextExtension - rng.between(1, 50))
      : user.site.city.country === 'ES'
        ? `+34 91${rng.between(1000000, 9999999)}`
        : `+1 ${user.site.city.dialPrefix} 555 01${String(rng.between(0, 99)).padStart(2, '0')}`;
  if (rng.chance(0.1)) out.calling_settings_forward_busy = rng.chance(0.2) ? 'off' : destination();
  if (rng.chance(0.12)) {
    out.calling_settings_forward_no_answer = rng.chance(0.2) ? 'off' : destination();
    if (out.calling_settings_forward_no_answer !== 'off' && rng.chance(0.5))
      out.calling_settings_forward_no_answer_rings = String(rng.between(2, 8));
  }
  if (rng.chance(0.05)) out.calling_settings_forward_business_continuity = rng.chance(0.3) ? 'off' : destination();
  if (!saysFalse(current.calling_settings_voicemail)) {
    if (rng.chance(0.08)) out.calling_settings_voicemail_send_busy = bool();
    if (rng.chance(0.08)) out.calling_settings_voicemail_send_unanswered = bool();
    if (!saysFalse(out.calling_settings_voicemail_send_unanswered ?? '') && rng.chance(0.06))
      out.calling_settings_voicemail_rings = String(rng.between(2, 8));
    if (rng.chance(0.05)) out.calling_settings_voicemail_email_copy = rng.chance(0.3) ? 'off' : user.email;
  }
  const permission = () => rng.pick(['allow', 'block', 'Allow', 'BLOCK']);
  if (rng.chance(0.04)) out.calling_settings_outgoing_national = permission();
  if (rng.chance(0.06)) out.calling_settings_outgoing_international = permission();
  if (rng.chance(0.04)) out.calling_settings_outgoing_premium = permission();
  if (rng.chance(0.05)) out.calling_settings_call_recording = rng.pick(['off', 'always', 'always_with_pause', 'On Demand']);
  if (rng.chance(0.08)) out.calling_settings_ecbn = user.phone ? 'direct_line' : 'location_ecbn';
  if (rng.chance(0.05)) out.calling_settings_hoteling = bool();
  if (rng.chance(0.03)) out.calling_settings_barge_in = bool();
  return out;
}

/** A kind of mistake: the rule it breaks and the cells it changes in a row. */
type Breakage = { rule: string; patch(row: InputRow): Partial<InputRow> };

/**
 * Breaks `count` user and assignment rows (never locations, which would cascade), cycling through
 * the kinds of mistake engineers make. Duplicates copy a key from an earlier valid row.
 */
function breakRows(rng: Prng, input: InputRow[], locationCount: number, count: number): Map<number, string> {
  const expected = new Map<number, string>();
  const candidates = input.length - locationCount;
  if (candidates <= 0 || count <= 0) return expected;
  const chosen = rng
    .sample(candidates, count)
    .map((i) => i + locationCount)
    .sort((a, b) => a - b);
  const broken = new Set(chosen);
  const earlierValid = (index: number, ok: (r: InputRow) => boolean): InputRow | undefined => {
    for (let tries = 0; tries < 50; tries++) {
      const j = locationCount + rng.int(index - locationCount);
      const candidate = input[j];
      if (j < index && !broken.has(j) && candidate && ok(candidate)) return candidate;
    }
    return undefined;
  };
  const userKinds: Breakage[] = [
    { rule: 'email_format', patch: (r) => ({ email: r.email.replace(/@.*/, '@') }) },
    { rule: 'identity_column', patch: (r) => ({ display_name: displayNameOf(r.email) }) },
    { rule: 'boolean', patch: () => ({ calling_settings_call_waiting: 'maybe' }) },
    { rule: 'required', patch: () => ({ location_key: '' }) },
  ];
  const assignmentKinds: Breakage[] = [
    { rule: 'extension_format', patch: (r) => ({ extension: `${r.extension}x` }) },
    { rule: 'phone_e164', patch: () => ({ phone_number: `9${rng.between(10_000_000, 99_999_999)}` }) },
    { rule: 'extension_reserved', patch: () => ({ extension: '112' }) },
    { rule: 'extension_or_phone_required', patch: () => ({ extension: '', phone_number: '' }) },
  ];
  let userTurn = 0;
  let assignmentTurn = 0;
  for (const index of chosen) {
    const target = input[index] as InputRow;
    const isUser = target.entity_type === 'user';
    const kinds = isUser ? userKinds : assignmentKinds;
    const turn = isUser ? userTurn++ : assignmentTurn++;
    if (turn % 5 === 4) {
      // every fifth: a duplicate of an earlier valid row's key
      const source = isUser
        ? earlierValid(index, (r) => r.entity_type === 'user')
        : earlierValid(
            index,
            (r) => r.entity_type === 'extension_assignment' && r.location_key === target.location_key && r.extension !== '',
          );
      if (source) {
        if (isUser) target.email = source.email.toUpperCase();
        else target.extension = source.extension;
        expected.set(index + 1, isUser ? 'duplicate_email' : 'duplicate_extension');
        continue;
      }
    }
    const kind = kinds[turn % kinds.length] as Breakage;
    Object.assign(target, kind.patch(target));
    expected.set(index + 1, kind.rule);
  }
  return expected;
}

function displayNameOf(email: string): string {
  return email
    .replace(/@.*/, '')
    .split('.')
    .map((part) => capitalise(part.replace(/\d+$/, '')))
    .join(' ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `+34910000001` → `+34 910 00 00 01`-style spacing (still valid: spaces are normalised away). */
function spaced(phone: string): string {
  return phone.startsWith('+34')
    ? `+34 ${phone.slice(3, 6)} ${phone.slice(6, 8)} ${phone.slice(8, 10)} ${phone.slice(10)}`
    : `+1 ${phone.slice(2, 5)} ${phone.slice(5, 8)} ${phone.slice(8)}`;
}

/** ana.garcia@, then ana.garcia2@… — ASCII local parts, as directory sync produces them. */
class UniqueEmails {
  readonly #seen = new Map<string, number>();
  readonly #domain: string;

  constructor(domain: string) {
    this.#domain = domain;
  }

  next(first: string, last: string): string {
    const local = `${slug(first)}.${slug(last)}`;
    const n = (this.#seen.get(local) ?? 0) + 1;
    this.#seen.set(local, n);
    return `${local}${n > 1 ? n : ''}@${this.#domain}`;
  }
}

function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

interface NumberBlock {
  take(): string;
  taken(): readonly string[];
}

/**
 * Each location gets its own block of 10,000 numbers inside its city's dialling prefix, so
 * numbers never collide across sites.
 */
class NumberBlocks {
  readonly #next = new Map<string, number>();

  allocate(city: City): NumberBlock {
    const key = `${city.country}${city.dialPrefix}`;
    const index = this.#next.get(key) ?? 0;
    this.#next.set(key, index + 1);
    let line = 0;
    const taken: string[] = [];
    const format =
      city.country === 'ES'
        ? (n: number) => {
            const digits = 9 - city.dialPrefix.length;
            return `+34${city.dialPrefix}${String(2 * 10 ** (digits - 1) + index * 10_000 + n).padStart(digits, '0')}`;
          }
        : (n: number) => `+1${city.dialPrefix}${usExchange(index)}${String(n).padStart(4, '0')}`;
    return {
      take() {
        const phone = format(line++);
        taken.push(phone);
        return phone;
      },
      taken: () => taken,
    };
  }
}

/** The index-th US exchange code from 201 up, skipping N11 service codes and 555. */
function usExchange(index: number): string {
  let code = 201;
  for (let i = 0; ; code++) {
    if (code % 100 === 11 || code === 555) continue;
    if (i++ === index) return String(code);
  }
}
