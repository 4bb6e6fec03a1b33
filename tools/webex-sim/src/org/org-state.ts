import { webexId } from '../ids.js';
import type { PersonSetting } from '../person-settings.js';
import { SimHttpError } from '../sim-error.js';
import { checkEcbn, ecbnView, type EcbnSetting } from './emergency-callback.js';
import { checkSetting, mergeSetting, type OrgCapabilities } from './setting-rules.js';
import { defaultSettings } from './settings-defaults.js';
import {
  DIRECTORY_NUMBER_TYPES,
  type Address,
  type DirectoryNumberType,
  type PendingSeeds,
  type SimCallingLocation,
  type SimLicense,
  type SimLocation,
  type SimNumber,
  type SimPerson,
} from './types.js';
import { foldLocationName } from './location-name.js';

export interface PersonSeed {
  email: string;
  displayName?: string | undefined;
  /** With `extension`: already a Calling user at the location of that name, once it is Calling-enabled. */
  locationName?: string | undefined;
  extension?: string | undefined;
  /** Directory-owned numbers (synced from LDAP), shown as `phoneNumbers` of type mobile / fax. */
  mobile?: string | undefined;
  fax?: string | undefined;
  /** Further e-mail addresses after the primary one. */
  extraEmails?: string[] | undefined;
}

export interface OrgSeed {
  people: PersonSeed[];
  numbers: { locationName: string; phoneNumber: string }[];
  /** Units of *Webex Calling - Professional*: one licence entry (subscription) per element. */
  callingLicenses: number | readonly number[];
  /** Every seeded person without a `mobile` gets a generated one (+346…, by seed order). */
  mobileForAll?: boolean | undefined;
}

export interface ExtensionRules {
  min: number;
  max: number;
}

export const CALLING_PRO_NAME = 'Webex Calling - Professional';
/** The first Professional entry; `callingLicenseId(i)` names the i-th (0-based) when several are seeded. */
export const CALLING_PRO = webexId('LICENSE', 1);
export const CALLING_BASIC = webexId('LICENSE', 2);
export const MESSAGING = webexId('LICENSE', 3);
export const ORG_ID = webexId('ORGANIZATION', 1);
const EMERGENCY = new Set(['911', '112', '999', '933']);

export function callingLicenseId(index: number): string {
  return index === 0 ? CALLING_PRO : webexId('LICENSE', 10 + index);
}

type DirectoryNumbers = Partial<Record<DirectoryNumberType, string>>;

interface CallingRequest {
  locationId?: string | undefined;
  extension?: string | undefined;
  phoneNumber?: string | undefined;
}

/** One Webex org in memory, with the rules the real services enforce. */
export class OrgState {
  readonly people = new Map<string, SimPerson>();
  readonly byEmail = new Map<string, string>();
  readonly locations = new Map<string, SimLocation>();
  readonly callingLocations = new Map<string, SimCallingLocation>();
  readonly numbers = new Map<string, SimNumber>();
  /** locationId → extension → personId */
  readonly extensions = new Map<string, Map<string, string>>();
  readonly licenses: SimLicense[];
  readonly pending: PendingSeeds = { numbers: new Map(), callingPeople: new Map() };
  readonly meId: string;
  duplicateLicenseAssignments = 0;
  identityChanges = 0;
  /** Calling licence assignments refused because the entry had no free unit. */
  refusedNoUnits = 0;
  /** Units held by seeded Calling users whose location does not exist yet, per licence entry. */
  readonly #reserved = new Map<string, number>();
  #nextId = 100;

  constructor(
    seed: OrgSeed,
    private readonly extensionRules: () => ExtensionRules,
  ) {
    const units = typeof seed.callingLicenses === 'number' ? [seed.callingLicenses] : seed.callingLicenses;
    this.licenses = [
      ...units.map((totalUnits, i) => ({
        id: callingLicenseId(i),
        name: CALLING_PRO_NAME,
        totalUnits,
        subscriptionId: `Sub-wbp-sim-${i + 1}`,
        calling: true,
      })),
      { id: CALLING_BASIC, name: 'Webex Calling - Basic', totalUnits: 0, subscriptionId: 'Sub-wbp-sim-1', calling: true },
      { id: MESSAGING, name: 'Messaging', totalUnits: 1_000_000, subscriptionId: 'Sub-wbp-sim-1', calling: false },
    ];
    this.meId = this.#addPerson(['admin@wbp-sim.example'], 'Provisioning Admin', {});
    seed.people.forEach((p, index) => {
      const email = p.email.trim().toLowerCase();
      const extra = (p.extraEmails ?? []).map((e) => e.trim().toLowerCase()).filter((e) => e !== '' && e !== email && !this.byEmail.has(e));
      if (this.byEmail.has(email)) return;
      const numbers: DirectoryNumbers = {
        mobile: p.mobile?.trim() || (seed.mobileForAll ? `+346${10_000_000 + index}` : undefined),
        fax: p.fax?.trim() || undefined,
      };
      this.#addPerson([email, ...new Set(extra)], p.displayName?.trim() || email.split('@')[0]!, numbers);
      if (p.locationName && p.extension) {
        const key = foldLocationName(p.locationName);
        // Already a Calling user: the unit is in use from the start, though the site appears later.
        const licenseId = this.#freeProEntry()?.id;
        if (licenseId) this.#reserved.set(licenseId, (this.#reserved.get(licenseId) ?? 0) + 1);
        this.pending.callingPeople.set(key, [...(this.pending.callingPeople.get(key) ?? []), { email, extension: p.extension, licenseId }]);
      }
    });
    for (const n of seed.numbers) {
      const key = foldLocationName(n.locationName);
      this.pending.numbers.set(key, [...(this.pending.numbers.get(key) ?? []), n.phoneNumber.trim()]);
    }
  }

  #id(type: 'PEOPLE' | 'LOCATION'): string {
    return webexId(type, this.#nextId++);
  }

  #addPerson(emails: string[], displayName: string, numbers: DirectoryNumbers): string {
    const id = this.#id('PEOPLE');
    const [first, ...rest] = displayName.split(' ');
    const person: SimPerson = {
      id,
      email: emails[0]!,
      extraEmails: [],
      ...numbers,
      displayName,
      firstName: first,
      lastName: rest.join(' ') || undefined,
      created: '2026-01-01T00:00:00.000Z',
      licenses: [MESSAGING],
    };
    this.people.set(id, person);
    this.#setEmails(person, emails);
    return id;
  }

  /**
   * A directory sync bringing one more person in (test hook, `POST /_sim/people`): a person with
   * that primary e-mail and no Calling, as a seeded one without `locationName`. An e-mail already
   * in the org changes nothing. Returns the person's id. A reset goes back to the seed without them.
   */
  syncPerson(p: { email: string; displayName?: string | undefined }): string {
    const email = p.email.trim().toLowerCase();
    const known = this.byEmail.get(email);
    if (known !== undefined) return known;
    return this.#addPerson([email], p.displayName?.trim() || email.split('@')[0]!, {});
  }

  /** Every address of a person, primary first (the order GET returns and a PUT sets). */
  emailsOf(person: SimPerson): string[] {
    return [person.email, ...person.extraEmails];
  }

  #setEmails(person: SimPerson, emails: string[]): void {
    for (const e of this.emailsOf(person)) if (this.byEmail.get(e) === person.id) this.byEmail.delete(e);
    person.email = emails[0]!;
    person.extraEmails = emails.slice(1);
    for (const e of emails) this.byEmail.set(e, person.id);
  }

  // ---- people -------------------------------------------------------------------------------

  person(id: string): SimPerson {
    const p = this.people.get(id);
    if (!p) throw new SimHttpError(404, 'Person not found.');
    return p;
  }

  findPeople(filter: {
    email?: string | undefined;
    ids?: string[] | undefined;
    displayName?: string | undefined;
    locationId?: string | undefined;
  }): SimPerson[] {
    if (filter.email !== undefined) {
      const id = this.byEmail.get(filter.email.trim().toLowerCase());
      return id ? [this.people.get(id)!] : [];
    }
    let all = [...this.people.values()];
    if (filter.ids) all = filter.ids.map((id) => this.people.get(id)).filter((p): p is SimPerson => p !== undefined);
    if (filter.displayName) {
      const prefix = filter.displayName.toLowerCase();
      all = all.filter((p) => p.displayName.toLowerCase().startsWith(prefix));
    }
    if (filter.locationId) all = all.filter((p) => p.calling?.locationId === filter.locationId);
    return all;
  }

  /**
   * PUT /people/{id}: full replacement. Identity and directory fields (names, e-mails and their
   * order, mobile/fax numbers) are replaced as sent — omitted means deleted — and every change is
   * counted in `identityChanges`, so a test can prove a bot never alters them. Calling fields
   * follow the People API rules; a `work_extension` entry is ignored (it cannot set the extension).
   */
  updatePerson(id: string, body: Record<string, unknown>): SimPerson {
    const person = this.person(id);
    if (typeof body.displayName !== 'string' || body.displayName.trim() === '') {
      throw new SimHttpError(400, 'displayName is required.');
    }
    const emails = Array.isArray(body.emails)
      ? [...new Set((body.emails as unknown[]).map((e) => String(e).trim().toLowerCase()))]
      : this.emailsOf(person);
    if (emails.length === 0) throw new SimHttpError(400, 'emails must not be empty.');
    for (const e of emails) {
      const owner = this.byEmail.get(e);
      if (owner && owner !== person.id) throw new SimHttpError(409, `The e-mail ${e} belongs to another person.`);
    }
    const phoneNumbers = Array.isArray(body.phoneNumbers) ? (body.phoneNumbers as { type?: unknown; value?: unknown }[]) : [];
    const directory: DirectoryNumbers = {};
    for (const type of DIRECTORY_NUMBER_TYPES) {
      const sent = phoneNumbers.filter((n) => n.type === type && typeof n.value === 'string' && n.value !== '');
      // [sim choice] the directory holds one number of each type.
      if (sent.length > 1) throw new SimHttpError(400, `At most one ${type} number.`);
      directory[type] = sent[0]?.value as string | undefined;
    }
    const firstName = typeof body.firstName === 'string' ? body.firstName : undefined;
    const lastName = typeof body.lastName === 'string' ? body.lastName : undefined;
    const identityChanged =
      body.displayName !== person.displayName ||
      firstName !== person.firstName ||
      lastName !== person.lastName ||
      emails.join(',') !== this.emailsOf(person).join(',') ||
      DIRECTORY_NUMBER_TYPES.some((type) => directory[type] !== person[type]);
    const wantLicenses = Array.isArray(body.licenses) ? (body.licenses as unknown[]).map(String) : person.licenses;
    const held = this.#heldCalling(person);
    const wantCalling = this.licenses.filter((l) => l.calling && wantLicenses.includes(l.id));
    if (wantCalling.length > 1 || (held && wantCalling[0] && wantCalling[0] !== held)) {
      // [sim choice] one Calling licence per person; switching entries is not what a People PUT is for here.
      throw new SimHttpError(400, 'A person holds one Webex Calling license; send the one the person has.');
    }
    const callingLicense = wantCalling[0];
    const work = phoneNumbers.find((n) => n.type === 'work')?.value;
    const request: CallingRequest = {
      locationId: typeof body.locationId === 'string' ? body.locationId : undefined,
      extension: typeof body.extension === 'string' && body.extension !== '' ? body.extension : undefined,
      phoneNumber: typeof work === 'string' && work !== '' ? work : undefined,
    };

    if (person.calling && callingLicense) {
      if (request.locationId && request.locationId !== person.calling.locationId) {
        throw new SimHttpError(400, 'The location of a Webex Calling user cannot be changed here.', 400);
      }
      this.#changeLine(person, request);
    } else if (person.calling && !callingLicense) {
      this.#disableCalling(person);
    } else if (!person.calling && callingLicense) {
      this.#enableCalling(person, callingLicense, request);
    }
    if (identityChanged) this.identityChanges++;
    person.displayName = body.displayName;
    person.firstName = firstName;
    person.lastName = lastName;
    person.mobile = directory.mobile;
    person.fax = directory.fax;
    this.#setEmails(person, emails);
    person.licenses = [...new Set(wantLicenses.filter((l) => this.licenses.some((x) => x.id === l)))];
    return person;
  }

  // ---- licences -----------------------------------------------------------------------------

  consumed(licenseId: string): number {
    let n = this.#reserved.get(licenseId) ?? 0;
    for (const p of this.people.values()) if (p.licenses.includes(licenseId)) n++;
    return n;
  }

  /** The Calling licence entry a person holds, if any. */
  #heldCalling(person: SimPerson): SimLicense | undefined {
    return this.licenses.find((l) => l.calling && person.licenses.includes(l.id));
  }

  /** The first Professional entry with a free unit (seeded Calling users take theirs from it). */
  #freeProEntry(): SimLicense | undefined {
    return this.licenses.find((l) => l.name === CALLING_PRO_NAME && this.consumed(l.id) < l.totalUnits);
  }

  /**
   * PATCH /licenses/users: each licence applied on its own; some failing → 206, all failing → the
   * first error. `late` (a late apply of a request already answered 504) counts nothing: a repeat
   * is a silent no-op and a refusal is not the client's.
   */
  assignLicenses(body: Record<string, unknown>, late = false): { status: 200 | 206; person: SimPerson } {
    const person = this.#personByRef(body);
    const items = Array.isArray(body.licenses) ? (body.licenses as Record<string, unknown>[]) : [];
    if (items.length === 0) throw new SimHttpError(400, 'licenses must not be empty.', 400000);
    const errors: SimHttpError[] = [];
    for (const item of items) {
      try {
        this.#applyLicense(person, item, late);
      } catch (err) {
        if (!(err instanceof SimHttpError)) throw err;
        errors.push(err);
      }
    }
    if (errors.length === items.length) throw errors[0]!;
    return { status: errors.length > 0 ? 206 : 200, person };
  }

  #personByRef(body: Record<string, unknown>): SimPerson {
    if (typeof body.personId === 'string') return this.person(body.personId);
    if (typeof body.email === 'string') {
      const id = this.byEmail.get(body.email.toLowerCase());
      if (!id) throw new SimHttpError(404, 'User not found.');
      return this.people.get(id)!;
    }
    throw new SimHttpError(400, 'Either email or personId is required.', 400);
  }

  #applyLicense(person: SimPerson, item: Record<string, unknown>, late: boolean): void {
    const license = this.licenses.find((l) => l.id === item.id);
    if (!license) throw new SimHttpError(400, 'License ID is not recognized.', 400000);
    if (item.operation === 'remove') {
      if (license.calling && person.licenses.includes(license.id)) this.#disableCalling(person);
      person.licenses = person.licenses.filter((l) => l !== license.id);
      return;
    }
    if (person.licenses.includes(license.id)) {
      // Webex treats a repeat as a no-op; counted so tests can prove a bot never double-assigns.
      if (!late) this.duplicateLicenseAssignments++;
      return;
    }
    if (!license.calling) {
      person.licenses.push(license.id);
      return;
    }
    const held = this.#heldCalling(person);
    if (held && held.name === license.name) {
      // A second entry (subscription) of the licence the person holds: also a double assignment. [sim choice] 400.
      if (!late) this.duplicateLicenseAssignments++;
      throw new SimHttpError(400, `The user already holds a ${held.name} license (subscription ${held.subscriptionId}).`);
    }
    if (person.calling) throw new SimHttpError(400, 'User cannot hold Calling Professional and Standard together.', 400404);
    const props = item.properties as Record<string, unknown> | undefined;
    if (!props || typeof props !== 'object') {
      throw new SimHttpError(400, 'Each Webex Calling license should contain its own calling properties.', 400411);
    }
    this.#enableCalling(
      person,
      license,
      {
        locationId: typeof props.locationId === 'string' ? props.locationId : undefined,
        extension: typeof props.extension === 'string' && props.extension !== '' ? props.extension : undefined,
        phoneNumber: typeof props.phoneNumber === 'string' && props.phoneNumber !== '' ? props.phoneNumber : undefined,
      },
      late,
    );
  }

  #enableCalling(person: SimPerson, license: SimLicense, request: CallingRequest, late = false): void {
    if (!request.extension && !request.phoneNumber) {
      throw new SimHttpError(400, 'A Webex Calling license needs an extension or a phone number.', 400411);
    }
    let locationId = request.locationId;
    if (request.phoneNumber) {
      const n = this.numbers.get(request.phoneNumber);
      if (!n) throw new SimHttpError(400, `Phone number ${request.phoneNumber} is not in the location's inventory.`, 9601);
      if (locationId && n.locationId !== locationId) {
        throw new SimHttpError(400, `Phone number ${request.phoneNumber} belongs to another location.`, 9601);
      }
      locationId = n.locationId;
    }
    if (!locationId) throw new SimHttpError(400, 'locationId is required when no phoneNumber is given.', 400);
    if (!this.locations.has(locationId)) throw new SimHttpError(400, 'Unable to find location.', 400);
    if (!this.callingLocations.has(locationId)) {
      throw new SimHttpError(400, 'The location is not enabled for Webex Calling.', 25008);
    }
    if (this.consumed(license.id) >= license.totalUnits) {
      // Units are counted per entry: a full entry refuses even when another entry has units.
      if (!late) this.refusedNoUnits++;
      throw new SimHttpError(400, `No ${license.name} licenses are available in subscription ${license.subscriptionId}.`, 400120);
    }
    this.#checkLine(person, locationId, request.extension, request.phoneNumber);
    person.calling = { locationId, alternates: [] };
    person.licenses = [...person.licenses.filter((l) => !this.licenses.some((x) => x.calling && x.id === l)), license.id];
    person.settings = defaultSettings();
    person.ecbn = undefined;
    this.#setLine(person, request.extension, request.phoneNumber);
  }

  #changeLine(person: SimPerson, request: CallingRequest): void {
    const calling = person.calling!;
    if (!request.extension && !request.phoneNumber) {
      throw new SimHttpError(400, 'A Webex Calling user needs an extension or a phone number.', 400411);
    }
    this.#checkLine(person, calling.locationId, request.extension, request.phoneNumber);
    this.#setLine(person, request.extension, request.phoneNumber);
  }

  /** Extension free in the location; number in the location's inventory and not someone else's. */
  #checkLine(person: SimPerson, locationId: string, extension: string | undefined, number: string | undefined): void {
    if (extension !== undefined) {
      const invalid = this.extensionProblem(extension);
      if (invalid) throw new SimHttpError(400, `Extension ${extension}: ${invalid.message}`, invalid.errorCode);
      const owner = this.extensions.get(locationId)?.get(extension);
      if (owner && owner !== person.id) {
        throw new SimHttpError(400, 'The extension is not available. It is already assigned to a user.', 4202);
      }
    }
    if (number !== undefined) {
      const n = this.numbers.get(number);
      if (!n || n.locationId !== locationId) {
        throw new SimHttpError(400, `Phone number ${number} is not in the location's inventory.`, 9601);
      }
      if (n.ownerId && n.ownerId !== person.id) {
        throw new SimHttpError(400, `The phone number ${number} is already in use.`, 4201);
      }
    }
  }

  #setLine(person: SimPerson, extension: string | undefined, number: string | undefined): void {
    const calling = person.calling!;
    if (calling.extension) this.extensions.get(calling.locationId)?.delete(calling.extension);
    if (calling.workNumber) {
      const old = this.numbers.get(calling.workNumber);
      if (old?.ownerId === person.id) old.ownerId = undefined;
    }
    calling.extension = extension;
    calling.workNumber = number;
    if (extension) {
      const index = this.extensions.get(calling.locationId) ?? new Map<string, string>();
      index.set(extension, person.id);
      this.extensions.set(calling.locationId, index);
    }
    if (number) this.numbers.get(number)!.ownerId = person.id;
  }

  #disableCalling(person: SimPerson): void {
    if (!person.calling) return;
    this.#setLine(person, undefined, undefined);
    for (const alt of person.calling.alternates) {
      const n = this.numbers.get(alt);
      if (n?.ownerId === person.id) n.ownerId = undefined;
    }
    person.calling = undefined;
    person.settings = undefined;
    person.ecbn = undefined;
    person.licenses = person.licenses.filter((l) => !this.licenses.some((x) => x.calling && x.id === l));
  }

  /** Why an extension is invalid, with the code Webex documents for it (see README); undefined when valid. */
  extensionProblem(extension: string): { errorCode: number; message: string } | undefined {
    const { min, max } = this.extensionRules();
    if (!/^\d+$/.test(extension)) return { errorCode: 4910, message: 'Invalid extension. The extension can only contain characters 0-9.' };
    if (EMERGENCY.has(extension)) return { errorCode: 4911, message: 'Invalid extension. The extension cannot be an emergency number.' };
    if (extension.length < min || extension.length > max)
      return { errorCode: 4909, message: `Invalid extension length (${min}-${max} digits).` };
    return undefined;
  }

  // ---- locations ----------------------------------------------------------------------------

  location(id: string): SimLocation {
    const l = this.locations.get(id);
    if (!l) throw new SimHttpError(404, 'Unable to find location.', 4008);
    return l;
  }

  nameTaken(name: string, exceptId?: string): boolean {
    const wanted = foldLocationName(name);
    for (const l of this.locations.values()) if (l.id !== exceptId && foldLocationName(l.name) === wanted) return true;
    return false;
  }

  createLocation(body: Omit<SimLocation, 'id'>, allowDuplicateName: boolean): SimLocation {
    if (body.name.length > 256) throw new SimHttpError(400, 'Location name must be at most 256 characters.');
    if (!allowDuplicateName && this.nameTaken(body.name)) {
      throw new SimHttpError(409, `A location named "${body.name}" already exists.`, 4009);
    }
    const location: SimLocation = { ...body, id: this.#id('LOCATION') };
    this.locations.set(location.id, location);
    this.#materialise(location);
    return location;
  }

  updateLocation(id: string, body: Partial<SimLocation> & { address?: Partial<Address> }): void {
    const location = this.location(id);
    if (body.name !== undefined && this.nameTaken(body.name, id)) {
      throw new SimHttpError(409, `A location named "${body.name}" already exists.`, 4009);
    }
    const { address, ...rest } = body;
    Object.assign(location, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    if (address) location.address = { ...location.address, ...address } as Address;
    this.#materialise(location);
  }

  /** [sim choice] a Calling-enabled location cannot be deleted (409), as Webex requires disabling Calling first. */
  deleteLocation(id: string): void {
    this.location(id);
    if (this.callingLocations.has(id)) throw new SimHttpError(409, 'A location enabled for Webex Calling cannot be deleted.', 4010);
    this.locations.delete(id);
    for (const [number, n] of this.numbers) if (n.locationId === id) this.numbers.delete(number);
  }

  /** Numbers (and pre-existing Calling users) delivered for a site name show up once the site exists. */
  #materialise(location: SimLocation): void {
    const key = foldLocationName(location.name);
    for (const number of this.pending.numbers.get(key) ?? []) {
      if (!this.numbers.has(number)) this.numbers.set(number, { locationId: location.id, state: 'ACTIVE' });
    }
    this.pending.numbers.delete(key);
  }

  enableLocationCalling(body: { id: string; name: string }): string {
    const location = this.locations.get(body.id);
    if (!location) throw new SimHttpError(404, 'Unable to find location.', 4008);
    if (this.callingLocations.has(body.id)) {
      throw new SimHttpError(409, 'The location is already enabled for Webex Calling.', 25009);
    }
    if (body.name.length > 80) throw new SimHttpError(400, 'A Webex Calling location name must be at most 80 characters.');
    this.callingLocations.set(body.id, {
      routingPrefix: String(8000 + this.callingLocations.size + 1),
      outsideDialDigit: '9',
    });
    this.#seedCallingPeople(location);
    return body.id;
  }

  #seedCallingPeople(location: SimLocation): void {
    const key = foldLocationName(location.name);
    for (const seed of this.pending.callingPeople.get(key) ?? []) {
      if (seed.licenseId) this.#reserved.set(seed.licenseId, this.#reserved.get(seed.licenseId)! - 1);
      const person = this.people.get(this.byEmail.get(seed.email) ?? '');
      const pro = seed.licenseId ? this.licenses.find((l) => l.id === seed.licenseId) : this.#freeProEntry();
      if (!person || person.calling || !pro) continue;
      try {
        // `late`: the simulator's own seeding counts nothing in the referee's counters.
        this.#enableCalling(person, pro, { locationId: location.id, extension: seed.extension }, true);
      } catch {
        // A seed that conflicts with the org's rules is skipped, as an admin's earlier mistake would be.
      }
    }
    this.pending.callingPeople.delete(key);
  }

  callingLocation(id: string): SimLocation & SimCallingLocation {
    const calling = this.callingLocations.get(id);
    const location = this.locations.get(id);
    if (!calling || !location) throw new SimHttpError(404, 'Location is not enabled for Webex Calling.', 4008);
    return { ...location, ...calling };
  }

  // ---- numbers ------------------------------------------------------------------------------

  addNumbers(locationId: string, numbers: string[], state: 'ACTIVE' | 'INACTIVE'): void {
    this.callingLocation(locationId);
    for (const n of numbers) {
      const existing = this.numbers.get(n);
      if (existing && existing.locationId !== locationId)
        throw new SimHttpError(400, `Phone number ${n} belongs to another location.`, 9603);
      if (!existing) this.numbers.set(n, { locationId, state });
    }
  }

  setNumberState(locationId: string, numbers: string[], action: 'ACTIVATE' | 'DEACTIVATE'): void {
    this.callingLocation(locationId);
    for (const n of numbers) {
      const number = this.numbers.get(n);
      if (!number || number.locationId !== locationId) throw new SimHttpError(400, `Phone number ${n} is not in this location.`, 9601);
      if (action === 'DEACTIVATE' && number.ownerId) throw new SimHttpError(400, `Phone number ${n} is assigned.`, 9604);
      number.state = action === 'ACTIVATE' ? 'ACTIVE' : 'INACTIVE';
    }
  }

  validateExtensions(
    locationId: string,
    extensions: string[],
  ): { extension: string; state: string; errorCode?: number; message?: string }[] {
    this.callingLocation(locationId);
    const seen = new Set<string>();
    const taken = this.extensions.get(locationId);
    return extensions.map((extension) => {
      if (seen.has(extension))
        return { extension, state: 'DUPLICATE_IN_LIST', errorCode: 9498, message: 'Duplicate extension in the list.' };
      seen.add(extension);
      const invalid = this.extensionProblem(extension);
      if (invalid) return { extension, state: 'INVALID', ...invalid };
      if (taken?.has(extension)) {
        return { extension, state: 'DUPLICATE', errorCode: 9495, message: 'The extension is not available. It is already assigned.' };
      }
      return { extension, state: 'VALID' };
    });
  }

  updateAlternates(personId: string, changes: { action?: string; directNumber?: string; external?: string }[]): void {
    const person = this.person(personId);
    if (!person.calling) throw new SimHttpError(404, 'User Not Found.', 4003);
    for (const change of changes) {
      const value = change.directNumber ?? change.external;
      if (!value) throw new SimHttpError(400, 'directNumber is required.');
      if (change.action === 'DELETE') {
        person.calling.alternates = person.calling.alternates.filter((a) => a !== value);
        const n = this.numbers.get(value);
        if (n?.ownerId === person.id) n.ownerId = undefined;
        continue;
      }
      this.#checkLine(person, person.calling.locationId, undefined, value);
      if (!person.calling.alternates.includes(value)) person.calling.alternates.push(value);
      this.numbers.get(value)!.ownerId = person.id;
    }
  }

  // ---- settings -----------------------------------------------------------------------------

  setting(personId: string, setting: PersonSetting): Record<string, unknown> {
    const person = this.person(personId);
    if (!person.calling || !person.settings) throw new SimHttpError(404, 'User Not Found.', 4003);
    return person.settings[setting];
  }

  putSetting(
    personId: string,
    setting: PersonSetting,
    body: Record<string, unknown>,
    org: OrgCapabilities = { recordingVendor: true },
  ): void {
    const merged = mergeSetting(this.setting(personId, setting), body);
    checkSetting(setting, merged, org);
    this.person(personId).settings![setting] = merged;
  }

  #callingPerson(personId: string): SimPerson & { calling: NonNullable<SimPerson['calling']> } {
    const person = this.person(personId);
    if (!person.calling) throw new SimHttpError(404, 'User Not Found.', 4003);
    return person as SimPerson & { calling: NonNullable<SimPerson['calling']> };
  }

  emergencyCallback(personId: string): Record<string, unknown> {
    const person = this.#callingPerson(personId);
    const { locationId } = person.calling;
    return ecbnView(person, person.ecbn, {
      locationNumber: this.callingLocations.get(locationId)?.callingLineId?.phoneNumber ?? this.#lowestNumberAt(locationId),
      locationName: this.locations.get(locationId)?.name ?? '',
      member: person.ecbn?.locationMemberId ? this.people.get(person.ecbn.locationMemberId) : undefined,
    });
  }

  /** The location's lowest inventory number: its ECBN when it has no main number (one pass, no copy). */
  #lowestNumberAt(locationId: string): string | undefined {
    let lowest: string | undefined;
    for (const [number, n] of this.numbers) if (n.locationId === locationId && (lowest === undefined || number < lowest)) lowest = number;
    return lowest;
  }

  putEmergencyCallback(personId: string, body: EcbnSetting): void {
    const person = this.#callingPerson(personId);
    const sent = Object.fromEntries(
      Object.entries(body).filter(([k]) => ['selected', 'locationMemberId', 'elinEnabled', 'elinForWebexAppEnabled'].includes(k)),
    );
    // Checked as it would be stored, like every other setting: a PUT of only locationMemberId is
    // judged against the selection already held.
    const merged: EcbnSetting = { ...person.ecbn, ...sent };
    checkEcbn(person, merged, merged.locationMemberId ? this.people.get(merged.locationMemberId) : undefined);
    person.ecbn = merged;
  }

  // ---- referee ------------------------------------------------------------------------------

  counts() {
    const names = new Map<string, number>();
    for (const l of this.locations.values()) {
      const k = foldLocationName(l.name);
      names.set(k, (names.get(k) ?? 0) + 1);
    }
    const licenceOverUse = this.licenses.filter((l) => this.consumed(l.id) > l.totalUnits).length;
    let callingUsers = 0;
    let assignedExtensions = 0;
    let assignedNumbers = 0;
    for (const p of this.people.values()) {
      if (!p.calling) continue;
      callingUsers++;
      if (p.calling.extension) assignedExtensions++;
      if (p.calling.workNumber) assignedNumbers++;
      assignedNumbers += p.calling.alternates.length;
    }
    return {
      locations: this.locations.size,
      callingLocations: this.callingLocations.size,
      people: this.people.size,
      callingUsers,
      assignedExtensions,
      assignedNumbers,
      duplicateLocationNames: [...names.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      duplicateLicenseAssignments: this.duplicateLicenseAssignments,
      identityChanges: this.identityChanges,
      licenceOverUse,
    };
  }
}
