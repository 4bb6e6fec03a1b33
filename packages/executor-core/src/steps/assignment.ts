import type { Person } from '@wbp/webex-client';
import { isPlannedLocation } from '../line-inventory.js';
import { RowStop, type SuccessOutcome } from '../outcome.js';
import { field, type ExecRow } from '../row.js';
import type { StepTrail } from '../trail.js';
import { applySettings, describeSettings } from './apply-settings.js';
import { assignCallingLicence, hasCalling, workNumber } from './calling-licence.js';
import type { RowEnv } from './env.js';
import { assertIdentityUnchanged, assertSafeToReplace, identityDifferences, lineChangeBody } from './person-update.js';
import { callerIdChange, ecbnChange } from './settings-registry.js';
import { callingLocationFor, lookupPerson } from './user.js';

/** Phase 3: assignment_lookup → assign_extension_or_number (no-op when already right) → apply_final_settings. */
export async function processAssignment(row: ExecRow, env: RowEnv, trail: StepTrail): Promise<SuccessOutcome> {
  trail.step('assignment_lookup');
  const email = field(row, 'email')!;
  const extension = field(row, 'extension');
  const number = field(row, 'phone_number');
  const location = callingLocationFor(env, field(row, 'location_key')!);
  const known = env.knownLines.get(email);
  if (
    known &&
    known.locationId === location.id &&
    (!extension || known.extension === extension) &&
    (!number || known.phoneNumber === number)
  ) {
    // This run gave the person exactly this line moments ago (phase 2): nothing to look up or assign.
    const did = isPlannedLocation(location.id)
      ? `extension/number assigned with Calling (phase 2); known after apply: the number inventory of "${location.name}" and the extensions held there (the location is created by this run)`
      : 'extension/number assigned with Calling (phase 2)';
    return applyFinalSettings(env, row, email, known.personId, number ?? known.phoneNumber, did, true, trail);
  }
  const person = await lookupPerson(env, email);
  const calling = hasCalling(person, env);
  if (calling && person.locationId && person.locationId !== location.id) {
    throw new RowStop('out_of_scope', `${email} has Calling in another location; moving users between locations is out of scope`);
  }
  const currentNumber = workNumber(person);
  const right = calling && (!extension || person.extension === extension) && (!number || currentNumber === number);
  let did = 'extension/number already assigned';

  if (!right) {
    trail.step('assign_extension_or_number');
    if (!calling) {
      await assignCallingLicence(
        env,
        person,
        { locationId: location.id, locationName: location.name, extension, phoneNumber: number },
        trail,
      );
      did = 'Calling enabled with the extension/number';
    } else {
      await changeLine(env, person.id!, location, { extension, phoneNumber: number }, trail);
      did = 'extension/number assigned';
    }
  }

  return applyFinalSettings(env, row, email, person.id!, number ?? currentNumber, did, !calling, trail);
}

/**
 * Changes an existing Calling user's primary line through the People API (a full replacement):
 * read fresh, change only the line, prove before sending that nothing else differs, PUT, then read
 * again and compare, because the People API fans out to several services and can alter more than
 * it was sent.
 */
async function changeLine(
  env: RowEnv,
  personId: string,
  location: { id: string; name: string },
  line: { extension?: string | undefined; phoneNumber?: string | undefined },
  trail: StepTrail,
): Promise<void> {
  const read = await env.port.people.get(personId);
  assertSafeToReplace(read);
  const releaseClaim = await env.cache.lines.claim(personId, location.id, location.name, line);
  const body = lineChangeBody(read, { extension: line.extension, workNumber: line.phoneNumber });
  const detail = [
    ...(line.extension && read.extension !== line.extension ? [`extension: ${read.extension ?? '(none)'} → ${line.extension}`] : []),
    ...(line.phoneNumber && workNumber(read) !== line.phoneNumber
      ? [`phone_number: ${workNumber(read) ?? '(none)'} → ${line.phoneNumber}`]
      : []),
  ].join(', ');
  try {
    await env.apply.apply(
      trail,
      'change_line',
      detail,
      async (port) => {
        assertIdentityUnchanged(read, body);
        await port.people.update(personId, body);
      },
      (projection) => projection.person(personId, () => ({ ...read, ...(body as Person) })),
    );
  } catch (err) {
    releaseClaim();
    throw err;
  }
  trail.mutated('primary line updated');
  const oldLine = {
    extension: line.extension && read.extension !== line.extension ? read.extension : undefined,
    phoneNumber: line.phoneNumber && workNumber(read) !== line.phoneNumber ? workNumber(read) : undefined,
  };
  await env.cache.lines.release(personId, location.id, oldLine);
  if (env.apply.planning) return;

  // Verification after the PUT: the People API fans out to several services and can alter more than it was sent.
  const after = await env.port.people.get(personId);
  const differences = identityDifferences(read, after);
  if (differences.length > 0) {
    // An operator restores these by hand from this log line; the row says which and what they were.
    env.critical('identity_changed', { person_id: personId, differences });
    const list = differences.map((d) => `${d.attribute} was ${JSON.stringify(d.before)}, now ${JSON.stringify(d.after)}`).join('; ');
    throw new RowStop(
      'half_applied',
      `the primary line was updated, but Webex also changed attributes wbp did not ask for: ${list}. Restore them in the directory or Control Hub (run.log event identity_changed has the old values).`,
    );
  }
}

/**
 * apply_final_settings: the caller ID the row asks for, and the emergency callback number DIRECT_LINE
 * its person's user row asks for (input_schema.md), once the line is in place. `fresh`: this run
 * enabled the person's Calling (phase 2 or just above), so they are PUT without reading first;
 * otherwise each is read and PUT only when it differs.
 */
async function applyFinalSettings(
  env: RowEnv,
  row: ExecRow,
  email: string,
  personId: string,
  directNumber: string | undefined,
  did: string,
  fresh: boolean,
  trail: StepTrail,
): Promise<SuccessOutcome> {
  const callerId = field(row, 'caller_id_selected');
  const hint = env.assignments.get(email);
  const ecbn = hint?.rowId === row.rowId ? hint.finalEcbn : undefined;
  const changes = [
    ...(callerId ? [callerIdChange(callerId, 'caller_id_selected')] : []),
    ...(ecbn ? [ecbnChange(ecbn.selected, `calling_settings_ecbn of user row ${ecbn.userRowId}`)] : []),
  ];
  if (changes.length > 0) {
    trail.step('apply_final_settings');
    if (callerId === 'DIRECT_LINE' && !directNumber) {
      throw new RowStop('precondition_missing', `caller ID DIRECT_LINE needs a phone number for ${email}: add phone_number to this row`);
    }
    did += `; ${describeSettings(await applySettings(env, personId, changes, fresh, trail))}`;
  }
  return { status: 'success', step: trail.current, message: did, remoteId: personId };
}
