import type { Person } from '@wbp/webex-client';
import { RowStop, type SuccessOutcome } from '../outcome.js';
import { field, type ExecRow } from '../row.js';
import type { StepTrail } from '../trail.js';
import { applySettings } from './apply-settings.js';
import { assignCallingLicence, hasCalling, workNumber } from './calling-licence.js';
import type { StepEnv } from './env.js';
import { assertIdentityUnchanged, lineChangeBody } from './person-update.js';
import { callerIdChange } from './settings-payloads.js';
import { callingLocationFor, lookupPerson } from './user.js';

function who(owner: { displayName?: string; id?: string } | undefined): string {
  return owner?.displayName ?? owner?.id ?? 'someone else';
}

/** assignment_lookup's ownership checks: the number is in this site's inventory and free (or ours); the extension free (or ours). */
async function checkAvailability(env: StepEnv, person: Person, locationId: string, locationName: string, extension?: string, number?: string): Promise<void> {
  if (number) {
    const [entry] = await env.port.numbers.list({ phoneNumber: number });
    if (!entry || entry.location?.id !== locationId) {
      throw new RowStop('precondition_missing', `${number} is not in the number inventory of "${locationName}": have it delivered to that location, then re-run`);
    }
    if (entry.owner?.id && entry.owner.id !== person.id) {
      throw new RowStop('precondition_missing', `${number} is already assigned to ${who(entry.owner)}`);
    }
  }
  if (extension) {
    const holders = await env.port.numbers.list({ locationId, extension });
    const other = holders.find((h) => h.extension === extension && h.owner?.id && h.owner.id !== person.id);
    if (other) throw new RowStop('precondition_missing', `extension ${extension} in "${locationName}" is already assigned to ${who(other.owner)}`);
  }
}

/** Phase 3: assignment_lookup → assign_extension_or_number (no-op when already right) → apply_final_settings. */
export async function processAssignment(row: ExecRow, env: StepEnv, trail: StepTrail): Promise<SuccessOutcome> {
  trail.step('assignment_lookup');
  const email = field(row, 'email')!;
  const extension = field(row, 'extension');
  const number = field(row, 'phone_number');
  const location = callingLocationFor(env, field(row, 'location_key')!);
  const known = env.knownLines.get(email);
  if (known && known.locationId === location.id && (!extension || known.extension === extension) && (!number || known.phoneNumber === number)) {
    // This run gave the person exactly this line moments ago (phase 2): nothing to look up or assign.
    return applyFinalSettings(env, row, email, known.personId, number ?? known.phoneNumber, 'extension/number assigned with Calling (phase 2)', trail);
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
    await checkAvailability(env, person, location.id, location.name, extension, number);
    trail.step('assign_extension_or_number');
    if (!calling) {
      await assignCallingLicence(env, person, { locationId: location.id, extension, phoneNumber: number }, trail);
      did = 'Calling enabled with the extension/number';
    } else {
      // Full replacement: read fresh, change only the line, prove identity is untouched, then PUT.
      const read = await env.port.people.get(person.id!);
      const body = lineChangeBody(read, { extension: extension ?? read.extension, workNumber: number ?? workNumber(read) });
      assertIdentityUnchanged(read, body);
      await env.port.people.update(person.id!, body);
      trail.mutated('primary line updated');
      did = 'extension/number assigned';
    }
  }

  return applyFinalSettings(env, row, email, person.id!, number ?? currentNumber, did, trail);
}

/** apply_final_settings: the caller ID the row asks for, once the line is in place. */
async function applyFinalSettings(env: StepEnv, row: ExecRow, email: string, personId: string, directNumber: string | undefined, did: string, trail: StepTrail): Promise<SuccessOutcome> {
  const callerId = field(row, 'caller_id_selected');
  if (callerId) {
    trail.step('apply_final_settings');
    if (callerId === 'DIRECT_LINE' && !directNumber) {
      throw new RowStop('precondition_missing', `caller ID DIRECT_LINE needs a phone number for ${email}: add phone_number to this row`);
    }
    await applySettings(env, personId, [callerIdChange(callerId, 'caller_id_selected')], false, trail);
    did += '; caller ID set';
  }
  return { status: 'success', step: trail.current, message: did, remoteId: personId };
}
