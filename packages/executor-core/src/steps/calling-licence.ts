import { WebexApiError, type Person } from '@wbp/webex-client';
import { RowStop } from '../outcome.js';
import type { StepTrail } from '../trail.js';
import type { StepEnv } from './env.js';

/**
 * Licence-assignment refusals that are about the row's data or the org's set-up, not about wbp's
 * access: they end the row `precondition_missing` with what to fix (and stay out of the breaker).
 */
const DATA_REFUSALS: Record<number, string> = {
  4202: 'the extension is already assigned to someone else in this location',
  9601: 'the phone number is not in the location\'s number inventory',
  9602: 'the phone number is already assigned to someone else',
  25008: 'the location is not enabled for Webex Calling',
  400120: 'no Webex Calling licence units are left in the org',
};

function asPrecondition(err: unknown): unknown {
  if (!(err instanceof WebexApiError) || err.status !== 400) return err;
  const code = err.errorCodes.find((c) => c in DATA_REFUSALS);
  if (code === undefined) return err;
  return new RowStop('precondition_missing', `Webex refused the Calling licence: ${DATA_REFUSALS[code]} (errorCode ${code}: ${err.webexMessage ?? ''})`, {
    httpStatus: err.status,
    trackingId: err.trackingId,
  });
}

export function hasCalling(person: Person, env: StepEnv): boolean {
  return (person.licenses ?? []).some((l) => env.cache.callingLicenseIds.has(l)) || person.extension !== undefined;
}

export function workNumber(person: Person): string | undefined {
  return person.phoneNumbers?.find((n) => n.type === 'work')?.value;
}

/**
 * Enables Calling by assigning the licence with the line Webex requires. Never replayed blindly:
 * after an unknown outcome (or a 206) the person is read back, and the assignment is sent again
 * only if it provably did not happen.
 */
export async function assignCallingLicence(
  env: StepEnv,
  person: Person,
  line: { locationId: string; extension?: string | undefined; phoneNumber?: string | undefined },
  trail: StepTrail,
): Promise<void> {
  const licence = env.cache.assignable;
  if (!licence) throw new RowStop('precondition_missing', 'the org has no Webex Calling - Professional licence to assign');
  if (!env.cache.takeUnit()) {
    throw new RowStop('precondition_missing', `no ${licence.name} licence units left: add licences to the org, then re-run`);
  }
  const personId = person.id!;
  const body = {
    personId,
    licenses: [
      {
        id: licence.id,
        operation: 'add' as const,
        properties: {
          locationId: line.locationId,
          ...(line.extension ? { extension: line.extension } : {}),
          ...(line.phoneNumber ? { phoneNumber: line.phoneNumber } : {}),
        },
      },
    ],
  };
  const applied = async () => hasCalling(await env.port.people.get(personId), env);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const { partial } = await env.port.licenses.assign(body);
        if (partial && !(await applied())) {
          throw new RowStop('non_retryable_external', 'Webex answered 206: the Calling licence was not applied', { httpStatus: 206 });
        }
        break;
      } catch (err) {
        if (!(err instanceof WebexApiError && err.outcomeUnknown) || attempt >= 2) throw err;
        if (await applied()) break;
      }
    }
  } catch (err) {
    env.cache.returnUnit();
    throw asPrecondition(err);
  }
  trail.mutated('calling licence assigned');
}
