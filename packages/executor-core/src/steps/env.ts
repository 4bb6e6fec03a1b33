import type { LocationDirectory } from '../location-directory.js';
import type { OrgCache } from '../org-cache.js';
import type { ReadPort } from '../port.js';
import type { Park, SettleOptions } from '../settle.js';
import type { ApplyPoint } from './apply-point.js';

/** The extension and/or number an e-mail's extension_assignment row asks for (Webex needs one to enable Calling). */
export interface AssignmentHint {
  rowId: number;
  locationKey: string;
  extension?: string | undefined;
  phoneNumber?: string | undefined;
  /** The row's `caller_id_selected`: the person's final caller ID, which a user row's does not override. */
  callerIdSelected?: string | undefined;
  /**
   * The person's user row asks the emergency callback number DIRECT_LINE and this row gives the
   * phone number: it is this row's final setting (phase 3, once the number is the person's).
   */
  finalEcbn?: { userRowId: number; selected: string } | undefined;
}

/** A line this run itself just gave a person (phase 2), so phase 3 need not look it up again. */
export interface KnownLine {
  personId: string;
  locationId: string;
  extension?: string | undefined;
  phoneNumber?: string | undefined;
}

/** What every step can use: the port, the run's cached view of the org, and file-wide indexes. */
export interface StepEnv {
  /** Lookups only: every mutation goes through `apply`. */
  port: ReadPort;
  /** Sends each decided action (a run) or records it and projects its result (a plan). */
  apply: ApplyPoint;
  cache: OrgCache;
  directory: LocationDirectory;
  assignments: ReadonlyMap<string, AssignmentHint>;
  /** e-mail → the line this run assigned to that person. */
  knownLines: Map<string, KnownLine>;
  /** ENABLE_SAFE_COMPENSATION (§15.3): undo a create when a later step of the same row fails. */
  compensate: boolean;
  /** How long an unknown outcome is looked for before the mutation is sent again. */
  settle: SettleOptions;
  /** Critical-log hook for invariant breaches and identity differences an operator must see. */
  critical: (event: string, details: Record<string, unknown>) => void;
  /** Warning-level log hook (unknown outcomes being settled). */
  note: (event: string, details: Record<string, unknown>) => void;
}

/** StepEnv plus what belongs to one row: waiting without holding its concurrency slot. */
export interface RowEnv extends StepEnv {
  park: Park;
}
