import { SimHttpError } from '../sim-error.js';
import type { PersonSetting } from '../person-settings.js';

type Value = Record<string, unknown>;

/**
 * Lists whose entries a PUT changes one by one, by this key field. [sim choice] Webex does not say
 * whether a `callingPermissions` list replaces the whole list; the simulator changes only the call
 * types sent, so a client that sends the whole list and one that sends the changed entries agree.
 */
const KEYED_LISTS: Readonly<Record<string, string>> = { callingPermissions: 'callType' };

function isPlainObject(v: unknown): v is Value {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeKeyed(current: unknown[], patch: unknown[], key: string): unknown[] {
  const out = current.map((entry) => {
    const sent = patch.find((p) => isPlainObject(p) && isPlainObject(entry) && p[key] === entry[key]);
    return isPlainObject(entry) && isPlainObject(sent) ? { ...entry, ...sent } : entry;
  });
  const added = patch.filter((p) => !current.some((c) => isPlainObject(c) && isPlainObject(p) && c[key] === p[key]));
  return [...out, ...added];
}

/** PUT semantics of the person settings: the fields sent replace those fields, nested objects merge. */
export function mergeSetting(current: Value, patch: Value): Value {
  const out: Value = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    const existing = out[field];
    const key = KEYED_LISTS[field];
    if (key && Array.isArray(existing) && Array.isArray(value)) out[field] = mergeKeyed(existing, value, key);
    else out[field] = isPlainObject(existing) && isPlainObject(value) ? mergeSetting(existing, value) : value;
  }
  return out;
}

const FORWARDS: readonly (readonly string[])[] = [
  ['callForwarding', 'always'],
  ['callForwarding', 'busy'],
  ['callForwarding', 'noAnswer'],
  ['businessContinuity'],
];

function at(value: Value, path: readonly string[]): Value | undefined {
  let node: unknown = value;
  for (const step of path) node = isPlainObject(node) ? node[step] : undefined;
  return isPlainObject(node) ? node : undefined;
}

/**
 * What a setting cannot take, beyond its schema: the merged value is checked before it is stored,
 * so a refused PUT changes nothing. [sim choice] messages and codes (README, person settings).
 */
/** What the org as a whole can offer a setting (simulator configuration). */
export interface OrgCapabilities {
  /** Without a call recording vendor, recording cannot be turned on. */
  recordingVendor: boolean;
}

export function checkSetting(setting: PersonSetting, merged: Value, org: OrgCapabilities): void {
  if (setting === 'callRecording' && merged.enabled === true && !org.recordingVendor) {
    throw new SimHttpError(400, 'Call recording is not available: the organization has no call recording vendor.', 27301);
  }
  if (setting === 'callForwarding') {
    for (const path of FORWARDS) {
      const rule = at(merged, path);
      if (rule?.enabled === true && !(typeof rule.destination === 'string' && rule.destination !== '')) {
        throw new SimHttpError(400, `${path.join('.')}: a destination is required to enable forwarding.`, 27101);
      }
    }
  }
  if (setting === 'voicemail') {
    const copy = at(merged, ['emailCopyOfMessage']);
    if (copy?.enabled === true && !(typeof copy.emailId === 'string' && copy.emailId.includes('@'))) {
      throw new SimHttpError(400, 'emailCopyOfMessage: an e-mail address (emailId) is required to enable it.', 27102);
    }
  }
}
