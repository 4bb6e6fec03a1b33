import { foldLocationKey } from '@wbp/csv-contract';
import type { Location, Person, PersonSetting } from '@wbp/webex-client';
import { RowStop, type SuccessOutcome } from '../outcome.js';
import { field, type ExecRow } from '../row.js';
import type { StepTrail } from '../trail.js';
import { applySettings, describeSettings } from './apply-settings.js';
import { assignCallingLicence, hasCalling, workNumber } from './calling-licence.js';
import type { RowEnv, StepEnv } from './env.js';
import { settingEntry, userSettingChanges, type SettingChange } from './settings-registry.js';

export async function lookupPerson(env: StepEnv, email: string): Promise<Person> {
  const person = await env.port.people.findByEmail(email);
  if (!person?.id) {
    throw new RowStop('user_not_found', `${email} is not in the Webex directory (not synced from LDAP yet?); wbp never creates users`);
  }
  return person;
}

/** The row's location, which must exist and be Calling-enabled before anyone gets Calling there. */
export function callingLocationFor(env: StepEnv, locationKey: string): Location {
  const location = env.directory.resolve(locationKey, env.cache);
  if (!location) {
    throw new RowStop(
      'precondition_missing',
      `location "${locationKey}" does not exist in Webex: its location row must succeed first (phase 1)`,
    );
  }
  if (!env.cache.isCalling(location.id)) {
    throw new RowStop(
      'precondition_missing',
      `location "${location.name}" is not enabled for Webex Calling: its location row must succeed first (phase 1)`,
    );
  }
  return location;
}

/**
 * The settings phase 2 applies for a user row: all it asks for except the final settings its
 * person's extension_assignment row applies in phase 3, once the line is there. Setting those here
 * would only be undone there (the caller ID, on this run and every re-run) or cannot work yet (the
 * emergency callback number DIRECT_LINE before the direct number is the person's).
 */
function phase2Settings(row: ExecRow, email: string, env: StepEnv): { changes: SettingChange[]; leftToAssignment: string[] } {
  const hint = env.assignments.get(email);
  const all = userSettingChanges(row);
  const final = new Map<PersonSetting, string>();
  if (hint?.callerIdSelected) final.set('callerId', hint.callerIdSelected);
  if (hint?.finalEcbn) final.set('emergencyCallbackNumber', `${hint.finalEcbn.selected}, once its phone_number is the person's`);
  return {
    changes: all.filter((c) => !final.has(c.setting)),
    leftToAssignment: all
      .filter((c) => final.has(c.setting))
      .map((c) => `${c.setting} left to the extension_assignment row ${hint!.rowId} (${final.get(c.setting)})`),
  };
}

/** Phase 2: user_lookup → user_enable_calling (when needed) → user_apply_calling_settings. */
export async function processUser(row: ExecRow, env: RowEnv, trail: StepTrail): Promise<SuccessOutcome> {
  trail.step('user_lookup');
  const email = field(row, 'email')!;
  const person = await lookupPerson(env, email);
  const locationKey = field(row, 'location_key')!;
  const wantsCalling = field(row, 'calling_enabled') !== 'false';
  const already = hasCalling(person, env);
  let fresh = false;
  const { changes, leftToAssignment } = phase2Settings(row, email, env);
  // Checked before anything is changed: Calling enabled here gives no direct number (the line
  // with a number is left to phase 3, and the emergency callback number with it).
  if (
    changes.some((c) => c.setting === 'emergencyCallbackNumber') &&
    settingEntry('emergencyCallbackNumber').needsDirectNumber?.(field(row, 'calling_settings_ecbn')!) === true &&
    !workNumber(person)
  ) {
    throw new RowStop(
      'precondition_missing',
      `the emergency callback number DIRECT_LINE needs a direct number, and ${email} has none in Webex and no extension_assignment row gives one: add phone_number to their extension_assignment row, or use location_ecbn`,
    );
  }

  if (wantsCalling && !already) {
    trail.step('user_enable_calling');
    const location = callingLocationFor(env, locationKey);
    const hint = env.assignments.get(email);
    if (!hint || (!hint.extension && !hint.phoneNumber)) {
      throw new RowStop(
        'precondition_missing',
        `Webex needs an extension or phone number to enable Calling: add an extension_assignment row for ${email} at ${locationKey} with extension and/or phone_number`,
      );
    }
    if (foldLocationKey(env.directory.nameFor(hint.locationKey)) !== foldLocationKey(env.directory.nameFor(locationKey))) {
      throw new RowStop(
        'precondition_missing',
        `the extension_assignment row ${hint.rowId} for ${email} names location "${hint.locationKey}", the user row "${locationKey}"`,
      );
    }
    await assignCallingLicence(
      env,
      person,
      { locationId: location.id, locationName: location.name, extension: hint.extension, phoneNumber: hint.phoneNumber },
      trail,
    );
    env.knownLines.set(email, { personId: person.id!, locationId: location.id, extension: hint.extension, phoneNumber: hint.phoneNumber });
    fresh = true;
  } else if (wantsCalling && already) {
    const location = env.directory.resolve(locationKey, env.cache);
    if (location && person.locationId && person.locationId !== location.id) {
      throw new RowStop('out_of_scope', `${email} already has Calling in another location; moving users between locations is out of scope`);
    }
  }

  let settings = '';
  if (changes.length > 0) {
    trail.step('user_apply_calling_settings');
    if (!already && !fresh) {
      throw new RowStop(
        'precondition_missing',
        `${email} has no Webex Calling, so calling settings cannot be applied: set calling_enabled=true`,
      );
    }
    settings = describeSettings(await applySettings(env, person.id!, changes, fresh, trail));
  }
  const did = [fresh ? 'Calling enabled' : already ? 'Calling already enabled' : 'Calling not requested', settings, ...leftToAssignment];
  return { status: 'success', step: trail.current, message: did.filter(Boolean).join('; '), remoteId: person.id };
}
