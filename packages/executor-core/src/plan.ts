import type { Person, PersonSetting } from '@wbp/webex-client';
import type { ExecutorConfig } from './config.js';
import { buildIndexes, PROCESSORS } from './executor.js';
import type { RunLogger } from './logger.js';
import { OrgCache } from './org-cache.js';
import type { EntityType, RowOutcome } from './outcome.js';
import type { ReadPort } from './port.js';
import { field, type ExecRow } from './row.js';
import { parkInPlace } from './settle.js';
import { planningApplyPoint, type DecidedAction, type PlanAction, type Projection } from './steps/apply-point.js';
import { hasCalling } from './steps/calling-licence.js';
import type { RowEnv, StepEnv } from './steps/env.js';
import { userSettingChanges, type SettingValue } from './steps/settings-registry.js';
import { runSteps } from './trail.js';

/** `action` of a plan row: what the run would do, `no_change` (already as the CSV asks) or `none` (pending or rejected). */
export type PlanRowAction = PlanAction | 'no_change' | 'none';

/** What the run would do with one ready row, and how it would end. */
export interface PlannedRow {
  row: ExecRow;
  expectedStatus: 'success' | 'pending';
  /** The closed code the run would give ('' for success). */
  reasonCode: string;
  /** The first action the row would take (or no_change / none). */
  action: PlanRowAction;
  /** Every action, in order. */
  actions: DecidedAction[];
  /** `field: old → new` of each action, or the run's message for a row that would end pending / change nothing. */
  detail: string;
}

/**
 * The plan's view of the org: every lookup goes to Webex once (a person by e-mail, a setting of a
 * person, each location's lines through the line inventory) and is then answered from memory, with
 * what earlier rows' actions would have changed laid over it (`Projection`). It wraps a port that
 * has no mutating method.
 */
export class PlanReader implements Projection {
  readonly #base: ReadPort;
  readonly #byEmail = new Map<string, Promise<Person | undefined>>();
  readonly #byId = new Map<string, Promise<Person>>();
  readonly #projected = new Map<string, Person>();
  readonly #settings = new Map<string, Promise<SettingValue>>();
  readonly #projectedSettings = new Map<string, SettingValue>();
  readonly port: ReadPort;
  readonly #lookup: (email: string) => Promise<Person | undefined>;

  constructor(base: ReadPort) {
    this.#base = base;
    const memo = <K, V>(map: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> => {
      let p = map.get(key);
      if (!p) {
        p = load();
        map.set(key, p);
        // A failed lookup is not kept: the next row asks again.
        p.catch(() => map.delete(key));
      }
      return p;
    };
    this.#lookup = async (email: string) => {
      const person = await memo(this.#byEmail, email.trim().toLowerCase(), () => this.#base.people.findByEmail(email));
      if (person?.id && !this.#byId.has(person.id)) this.#byId.set(person.id, Promise.resolve(person));
      return person;
    };
    const overlay = (p: Person | undefined): Person | undefined => (p?.id && this.#projected.has(p.id) ? this.#projected.get(p.id) : p);
    this.port = {
      people: {
        findByEmail: async (email: string) => overlay(await this.#lookup(email)),
        get: async (personId: string) => overlay(await memo(this.#byId, personId, () => this.#base.people.get(personId)))!,
      },
      licenses: { list: (...a) => this.#base.licenses.list(...a) },
      locations: { list: (...a) => this.#base.locations.list(...a) },
      callingLocations: { list: (...a) => this.#base.callingLocations.list(...a), get: (...a) => this.#base.callingLocations.get(...a) },
      numbers: { list: (...a) => this.#base.numbers.list(...a) },
      settings: {
        get: (async (personId: string, setting: PersonSetting) => {
          const key = `${personId}\u0000${setting}`;
          return (
            this.#projectedSettings.get(key) ??
            (await memo(this.#settings, key, () => this.#base.settings.get(personId, setting) as Promise<SettingValue>))
          );
        }) as ReadPort['settings']['get'],
      },
    };
  }

  /** The person as the org holds them (no projection), read once. */
  lookup(email: string): Promise<Person | undefined> {
    return this.#lookup(email);
  }

  person(personId: string, patch: (current: Person | undefined) => Person): void {
    this.#projected.set(personId, patch(this.#projected.get(personId)));
  }

  setting(personId: string, setting: PersonSetting, value: SettingValue): void {
    this.#projectedSettings.set(`${personId}\u0000${setting}`, value);
  }
}

export interface PlanInput {
  /** Streams the ready rows of one entity type in file order. */
  rows: (entityType: EntityType) => AsyncIterable<ExecRow>;
  /** The plan's reader (built on a port without mutating methods). */
  reader: PlanReader;
  /** The org lookups, made through `reader.port` (the runner's startup checks make them). */
  orgCache?: OrgCache;
  config: Pick<ExecutorConfig, 'callingLicenceId' | 'settle' | 'enableSafeCompensation'>;
  /** Lookups in flight at once while reading ahead (default 16). */
  concurrency?: number;
  log: RunLogger;
  onRowPlanned?: (planned: PlannedRow) => void;
}

const PHASE_TYPES: readonly EntityType[] = ['location', 'user', 'extension_assignment'];

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Turns a row's outcome and decided actions into its plan line. */
export function plannedRow(row: ExecRow, outcome: RowOutcome, actions: readonly DecidedAction[]): PlannedRow {
  if (outcome.status === 'pending') {
    return {
      row,
      expectedStatus: 'pending',
      reasonCode: outcome.reasonCode,
      action: 'none',
      actions: [...actions],
      detail: outcome.message,
    };
  }
  if (actions.length === 0)
    return { row, expectedStatus: 'success', reasonCode: '', action: 'no_change', actions: [], detail: outcome.message };
  return {
    row,
    expectedStatus: 'success',
    reasonCode: '',
    action: actions[0]!.action,
    actions: [...actions],
    detail: actions.map((a) => `${a.action}: ${a.detail}`).join('; '),
  };
}

/**
 * The plan: the run's own decision code (the phase processors, the org cache, the licence pool and
 * the line inventory) with an apply point that records each action instead of sending it and
 * projects its result, so later rows and phases decide against the org as the run would leave it.
 *
 * Phases run in order and the rows of a phase are decided one at a time in file order (the order
 * the run starts them in), after the phase's lookups have been read ahead concurrently: each
 * person once by e-mail, the settings the row compares for a person who already has Calling, and
 * each location's lines once.
 */
export async function plan(input: PlanInput): Promise<PlannedRow[]> {
  const reader = input.reader;
  const cache = input.orgCache ?? (await OrgCache.load(reader.port, input.config.callingLicenceId));
  const { directory, assignments } = await buildIndexes(input);
  const env: StepEnv = {
    port: reader.port,
    apply: planningApplyPoint(reader),
    cache,
    directory,
    assignments,
    knownLines: new Map(),
    compensate: false,
    settle: input.config.settle,
    critical: (event, details) => input.log.fatal({ event, ...details }, event),
    note: (event, details) => input.log.warn({ event, ...details }, event),
  };
  const rowEnv: RowEnv = { ...env, park: parkInPlace };
  const limit = input.concurrency ?? 16;
  const byPhase = new Map<EntityType, ExecRow[]>();
  for (const entityType of PHASE_TYPES) {
    const rows: ExecRow[] = [];
    for await (const row of input.rows(entityType)) rows.push(row);
    byPhase.set(entityType, rows);
  }
  // The reads go ahead (in file order, `limit` at a time) while the rows are decided in file order
  // behind them: a row waits only for its own person's read.
  const ahead = readAhead([...byPhase.get('user')!, ...byPhase.get('extension_assignment')!], reader, env, limit);
  const out: PlannedRow[] = [];
  try {
    for (const entityType of PHASE_TYPES) {
      const rows = byPhase.get(entityType)!;
      input.log.info({ event: 'plan_phase', entity_type: entityType, rows: rows.length }, `plan: ${rows.length} ${entityType} row(s)`);
      for (const row of rows) {
        let actions: readonly DecidedAction[] = [];
        const outcome = await runSteps(
          (trail) => PROCESSORS[entityType](row, rowEnv, trail),
          (trail) => (actions = trail.decided),
        );
        const planned = plannedRow(row, outcome, actions);
        out.push(planned);
        input.onRowPlanned?.(planned);
      }
    }
  } finally {
    await ahead;
  }
  return out;
}

/**
 * Reads what the rows will look up, before they are decided: each location's lines once (for the
 * locations that exist), each person once by e-mail (in file order), and for a person who already
 * has Calling the settings their rows compare. Answers are kept by the reader; a failed read is
 * simply read again by the row that needs it.
 */
async function readAhead(rows: readonly ExecRow[], reader: PlanReader, env: StepEnv, limit: number): Promise<void> {
  const byEmail = new Map<string, ExecRow[]>();
  const locations = new Set<string>();
  for (const row of rows) {
    const email = field(row, 'email');
    if (email) byEmail.set(email, [...(byEmail.get(email) ?? []), row]);
    const location = env.directory.resolve(field(row, 'location_key') ?? '', env.cache);
    if (location) locations.add(location.id);
  }
  const lines = eachLimited([...locations], 4, (id) => env.cache.lines.prefetch(id));
  await eachLimited([...byEmail], limit, async ([email, its]) => {
    const person = await reader.lookup(email);
    if (!person?.id || !hasCalling(person, env)) return;
    const settings = new Set<PersonSetting>();
    for (const row of its) {
      if (row.entityType === 'user') for (const c of userSettingChanges(row)) settings.add(c.setting);
      else if (field(row, 'caller_id_selected')) settings.add('callerId');
    }
    for (const setting of settings) await reader.port.settings.get(person.id, setting).catch(() => undefined);
  });
  await lines;
}
