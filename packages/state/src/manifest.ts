import { join } from 'node:path';
import * as v from 'valibot';
import { replaceFileAtomically } from '@wbp/files';
import { ManifestCorruptError } from './errors.js';
import { MANIFEST_FILE } from './paths.js';
import { readJsonFile } from './read.js';
import { sha256Hex, timestamp, validateAgainst, wholeNumber, type Validation } from './schema-parts.js';

/**
 * manifest.json: which CSV, pipeline version and `--default`s the outputs of a directory belong
 * to, written before any other output of the first invocation, and what validation produced
 * (`ready`, `rejected`) once it has run. Unlike checkpoint.json, which appears only after the
 * first batch, it exists for the whole life of the outputs, so a later invocation can always
 * tell whether they are its own.
 */
export const ManifestSchema = v.strictObject({
  /** sha256 of the CSV bytes (`sha256File`), as the checkpoint's input_hash. */
  input_sha256: sha256Hex('input_sha256'),
  pipeline_version: wholeNumber('pipeline_version', 1),
  created_at: timestamp('created_at'),
  /** The `--default column=value` arguments as given to the first invocation. */
  defaults: v.array(v.string('defaults must hold strings'), 'defaults must be an array of "column=value" strings'),
  /**
   * Written by a later invocation for outputs that predate manifests (proven to be this CSV's by
   * their checkpoint): `defaults` are that invocation's, not necessarily the first one's.
   */
  adopted: v.optional(v.literal(true, 'adopted must be true when present')),
  /** ready_to_load.csv as validation wrote it; absent until validation has run. */
  ready: v.optional(v.strictObject({ rows: wholeNumber('ready.rows', 0), sha256: sha256Hex('ready.sha256') })),
  /** rejected_rows.csv as validation wrote it; absent until validation has run. */
  rejected: v.optional(v.strictObject({ rows: wholeNumber('rejected.rows', 0) })),
});

export type Manifest = v.InferOutput<typeof ManifestSchema>;

export function validateManifest(value: unknown): Validation<Manifest> {
  return validateAgainst(ManifestSchema, value);
}

export function manifestPath(dir: string): string {
  return join(dir, MANIFEST_FILE);
}

/** `dir/manifest.json`, `undefined` when there is none; `ManifestCorruptError` when it cannot be trusted. */
export function readManifest(dir: string): Promise<Manifest | undefined> {
  const path = manifestPath(dir);
  return readJsonFile(path, validateManifest, (reason, cause) => new ManifestCorruptError(path, reason, { cause }));
}

/** Replaces `dir/manifest.json` atomically, like `writeCheckpoint`; an invalid manifest is a TypeError and nothing is written. */
export function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const checked = validateManifest(manifest);
  if (!checked.ok) return Promise.reject(new TypeError(`refusing to write an invalid manifest: ${checked.reason}`));
  return replaceFileAtomically(dir, MANIFEST_FILE, `${JSON.stringify(checked.value, null, 2)}\n`);
}
