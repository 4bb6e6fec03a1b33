import type { Person } from '@wbp/webex-client';
import { isPlannedLocation, type Line } from '../line-inventory.js';
import { RowStop } from '../outcome.js';
import type { StepTrail } from '../trail.js';
import { createOrAdopt } from './create-or-adopt.js';
import type { RowEnv, StepEnv } from './env.js';

export function hasCalling(person: Person, env: Pick<StepEnv, 'cache'>): boolean {
  return (person.licenses ?? []).some((l) => env.cache.callingLicenseIds.has(l)) || person.extension !== undefined;
}

export function workNumber(person: Person): string | undefined {
  return person.phoneNumbers?.find((n) => n.type === 'work')?.value;
}

/**
 * Enables Calling by assigning the licence with the line Webex requires. Everything Webex would
 * refuse for the row's data is checked first from the org's state (a free licence unit, the
 * number in the location's inventory and free, the extension free), so a refusal that still comes
 * back is about something else and ends the row with Webex's own code and message. Never replayed
 * blindly: an unknown outcome (or a 206, or a refusal of the re-send) is settled by reading the
 * person back, and the assignment is sent again (the same body) only once the settle lookups show
 * it did not happen; being safe to repeat, it uses the short repeat-safe window.
 */
export async function assignCallingLicence(
  env: RowEnv,
  person: Person,
  line: Line & { locationId: string; locationName: string },
  trail: StepTrail,
): Promise<void> {
  const personId = person.id!;
  if (env.cache.licences.emptyReason) throw new RowStop('precondition_missing', env.cache.licences.emptyReason);
  const releaseLine = await env.cache.lines.claim(personId, line.locationId, line.locationName, line);
  const entry = env.cache.licences.take();
  if (!entry) {
    releaseLine();
    throw new RowStop(
      'precondition_missing',
      `no ${env.cache.licences.entries[0]!.name} licence units left in any of the org's ${env.cache.licences.entries.length} licence entries: add licences to the org, then re-run`,
    );
  }
  const body = {
    personId,
    licenses: [
      {
        id: entry.id,
        operation: 'add' as const,
        properties: {
          locationId: line.locationId,
          ...(line.extension ? { extension: line.extension } : {}),
          ...(line.phoneNumber ? { phoneNumber: line.phoneNumber } : {}),
        },
      },
    ],
  };
  const enabled = async (): Promise<true | undefined> => (hasCalling(await env.port.people.get(personId), env) ? true : undefined);
  const detail = [
    `calling: none → ${entry.name} (${entry.id}${entry.subscriptionId ? `, ${entry.subscriptionId}` : ''}) at "${line.locationName}"`,
    ...(line.extension ? [`extension: ${person.extension ?? '(none)'} → ${line.extension}`] : []),
    ...(line.phoneNumber ? [`phone_number: ${workNumber(person) ?? '(none)'} → ${line.phoneNumber}`] : []),
  ].join(', ');
  const afterApply = isPlannedLocation(line.locationId)
    ? `; known after apply: the number inventory of "${line.locationName}" and the extensions held there (the location is created by this run)`
    : '';
  try {
    await createOrAdopt<true>(env, trail, {
      action: 'assign_licence',
      detail: detail + afterApply,
      step: 'user_enable_calling',
      about: { person_id: personId },
      send: async (port) => {
        const { partial } = await port.licenses.assign(body);
        if (partial && !(await enabled())) {
          throw new RowStop('non_retryable_external', 'Webex answered 206: the Calling licence was not applied', { httpStatus: 206 });
        }
        return true;
      },
      lookup: enabled,
      // A late-applied first attempt makes the re-send look like a conflict over this person's own line.
      mayBeDone: (err) => err.status === 400 || err.status === 409,
      // The re-send is the same body (same licence entry, same line): it cannot assign a second licence.
      repeatSafe: true,
      projected: (projection) => {
        projection.person(personId, (current) => ({
          ...(current ?? person),
          licenses: [...((current ?? person).licenses ?? []), entry.id],
          locationId: line.locationId,
          ...(line.extension ? { extension: line.extension } : {}),
          ...(line.phoneNumber
            ? {
                phoneNumbers: [
                  ...((current ?? person).phoneNumbers ?? []).filter((n) => n.type !== 'work'),
                  { type: 'work', value: line.phoneNumber },
                ],
              }
            : {}),
        }));
        return true;
      },
    });
  } catch (err) {
    env.cache.licences.giveBack(entry);
    releaseLine();
    throw err;
  }
  trail.mutated('calling licence assigned');
}
