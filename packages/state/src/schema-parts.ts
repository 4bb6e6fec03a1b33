import * as v from 'valibot';

/** Pieces shared by the schemas of the JSON files in the output directory. */

export const timestamp = (field: string) =>
  v.pipe(v.string(`${field} must be a string`), v.isoTimestamp(`${field} must be an ISO-8601 timestamp`));

export const wholeNumber = (field: string, min: number) =>
  v.pipe(v.number(`${field} must be a number`), v.safeInteger(`${field} must be an integer`), v.minValue(min, `${field} must be ≥ ${min}`));

/** sha256 as lower-case hex, as `sha256File` returns it. */
export const sha256Hex = (field: string) =>
  v.pipe(v.string(`${field} must be a string`), v.regex(/^[0-9a-f]{64}$/, `${field} must be 64 lower-case hex characters (sha256)`));

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Checks a parsed value against a schema; `reason` names every offending field. */
export function validateAgainst<S extends v.GenericSchema>(schema: S, value: unknown): Validation<v.InferOutput<S>> {
  // abortPipeEarly: one complaint per field ("must be an integer", not also "must be ≥ 0").
  const result = v.safeParse(schema, value, { abortPipeEarly: true });
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, reason: result.issues.map(describeIssue).join('; ') };
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const field = v.getDotPath(issue);
  if (field === null) return `expected a JSON object, got ${issue.received}`;
  // strict_object reports both missing and unknown keys as a key issue at the object level.
  if (issue.type === 'strict_object') {
    return issue.expected === 'never' ? `unexpected field "${field}"` : `missing field "${field}"`;
  }
  return `${issue.message} (got ${issue.received})`;
}
