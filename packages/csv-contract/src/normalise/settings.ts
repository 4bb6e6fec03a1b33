import { normaliseEmail } from './email.js';
import { normaliseForwardDestination } from './forward-destination.js';
import { accept, quote, refuse, type Normalised } from './result.js';

/** The word that switches a forward or the voicemail e-mail copy off (any case). */
export const OFF = 'off';

const isOff = (value: string): boolean => value.toLowerCase() === OFF;

/** Forward on busy / no answer / business continuity: an extension, an E.164 number, or `off`. */
export function normaliseForwardTarget(value: string): Normalised {
  if (isOff(value)) return accept(OFF);
  const destination = normaliseForwardDestination(value);
  if (destination.ok) return destination;
  return refuse('forward_destination', `${quote(value)} is neither an extension (2–8 digits), an E.164 number (+34910000001) nor off`);
}

/**
 * Rings before a call counts as unanswered. The spec's PUT bodies say `numberOfRings` "must be
 * between 2 and 20, inclusive" (callForwarding.noAnswer and voicemail.sendUnansweredCalls).
 */
export function normaliseRings(value: string): Normalised {
  if (/^\d{1,2}$/.test(value)) {
    const n = Number(value);
    if (n >= 2 && n <= 20) return accept(String(n));
  }
  return refuse('rings', `${quote(value)} is not a number of rings; use a whole number from 2 to 20`);
}

/** Where a copy of each voicemail goes: an e-mail address (lower case) or `off`. */
export function normaliseEmailOrOff(value: string): Normalised {
  if (isOff(value)) return accept(OFF);
  const email = normaliseEmail(value);
  if (email.ok) return email;
  return refuse('email_format', `${quote(value)} is neither an e-mail address nor off`);
}

/** An outgoing call type: `allow` / `block` (any case) → the spec's `action` enum (`ALLOW` / `BLOCK`). */
export function normaliseCallPermission(value: string): Normalised {
  const v = value.toUpperCase();
  if (v === 'ALLOW' || v === 'BLOCK') return accept(v);
  return refuse('call_permission', `${quote(value)} is not allow or block`);
}

/** The call recording choices (any case, `-` or space for `_`); the executor maps them to `enabled` + `record`. */
export const CALL_RECORDING_CHOICES = ['off', 'always', 'always_with_pause', 'on_demand'] as const;
export type CallRecordingChoice = (typeof CALL_RECORDING_CHOICES)[number];

export function normaliseCallRecording(value: string): Normalised {
  const v = value.toLowerCase().replace(/[\s-]+/g, '_');
  if ((CALL_RECORDING_CHOICES as readonly string[]).includes(v)) return accept(v);
  return refuse('call_recording', `${quote(value)} is not a call recording choice; use ${CALL_RECORDING_CHOICES.join(', ')}`);
}

/** Emergency callback number: `direct_line` / `location_ecbn` (any case, `-` or space for `_`) → the spec's `selected` enum. */
export function normaliseEcbn(value: string): Normalised {
  const v = value.toUpperCase().replace(/[\s-]+/g, '_');
  if (v === 'DIRECT_LINE' || v === 'LOCATION_ECBN') return accept(v);
  return refuse('ecbn', `${quote(value)} is not an emergency callback number choice; use direct_line or location_ecbn`);
}
