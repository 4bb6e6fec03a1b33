import type { LocationDirectory } from '../location-directory.js';
import type { OrgCache } from '../org-cache.js';
import type { WebexPort } from '../port.js';

/** The extension and/or number an e-mail's extension_assignment row asks for (Webex needs one to enable Calling). */
export interface AssignmentHint {
  rowId: number;
  locationKey: string;
  extension?: string | undefined;
  phoneNumber?: string | undefined;
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
  port: WebexPort;
  cache: OrgCache;
  directory: LocationDirectory;
  assignments: ReadonlyMap<string, AssignmentHint>;
  /** e-mail → the line this run assigned to that person. */
  knownLines: Map<string, KnownLine>;
  /** ENABLE_SAFE_COMPENSATION (§15.3): undo a create when a later step of the same row fails. */
  compensate: boolean;
  /** Critical-log hook for invariant breaches. */
  critical: (event: string, details: Record<string, unknown>) => void;
}
