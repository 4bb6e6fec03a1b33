import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { batches } from '../src/batches.js';
import { BatchTally, TokenFailureStreak } from '../src/breaker.js';
import { runPhase } from '../src/phase-runner.js';
import type { RunOutputs } from '../src/outputs.js';
import {
  assertIdentityUnchanged,
  DEFAULT_EXECUTOR_CONFIG,
  lineChangeBody,
  locationPayload,
  userSettingChanges,
  type ExecRow,
  type RowOutcome,
} from '../src/index.js';
import { assertSafeToReplace, identityDifferences } from '../src/steps/person-update.js';
import { CREATED_MARK, runSteps } from '../src/trail.js';
import { resetRowIds, site, user } from './fixtures.js';

describe('batches', () => {
  it('cuts deterministic batch ids over a stream', async () => {
    const rows = Array.from({ length: 11 }, (_, i) => site(`S${i}`));
    const out = [];
    for await (const b of batches(
      (async function* () {
        yield* rows;
      })(),
      1,
      5,
    ))
      out.push([b.id, b.rows.length]);
    expect(out).toEqual([
      ['phase1-batch-0001', 5],
      ['phase1-batch-0002', 5],
      ['phase1-batch-0003', 1],
    ]);
  });
});

describe('runPhase', () => {
  const quiet = { info() {}, warn() {}, error() {}, fatal() {} };
  function harness(rows: ExecRow[], process: (row: ExecRow) => Promise<RowOutcome>, limit = 3, batchSize = 4) {
    const written: number[] = [];
    const saves: number[] = [];
    const batchEnds: string[] = [];
    const terminal = new Set<number>();
    const outputs = {
      terminal,
      write: async (row: ExecRow) => {
        written.push(row.rowId);
        terminal.add(row.rowId);
      },
    } as unknown as RunOutputs;
    const run = runPhase({
      phase: 2,
      rows: (async function* () {
        yield* rows;
      })(),
      startMark: 0,
      config: { ...DEFAULT_EXECUTOR_CONFIG, batchSize, checkpointEveryMs: 60_000 },
      outputs,
      log: quiet,
      concurrency: () => limit,
      lockKey: (r) => r.fields.email!,
      runRow: process,
      counters: { rows: 0, batches: 0 },
      saveCheckpoint: async (m) => void saves.push(m),
      onRowDone: () => undefined,
      onBatchEnd: (id) => void batchEnds.push(id),
    });
    return { run, written, saves, batchEnds };
  }
  const ok = (): RowOutcome => ({ status: 'success', step: 's', message: '' });

  it('never runs two rows of one person at once, respects the limit, ends batches in order with a checkpoint each', async () => {
    resetRowIds();
    const rows = ['a', 'a', 'b', 'c', 'a', 'd', 'e', 'b', 'f', 'g'].map((e) => user(`${e}@x.com`, 'L'));
    let inFlight = 0;
    let peak = 0;
    const active = new Set<string>();
    const h = harness(rows, async (row) => {
      expect(active.has(row.fields.email!)).toBe(false);
      active.add(row.fields.email!);
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setImmediate(r));
      active.delete(row.fields.email!);
      inFlight--;
      return ok();
    });
    expect(await h.run).toEqual({ end: 'completed' });
    expect(peak).toBeLessThanOrEqual(3);
    expect(h.written.sort((x, y) => x - y)).toEqual(rows.map((r) => r.rowId));
    expect(h.batchEnds).toEqual(['phase2-batch-0001', 'phase2-batch-0002', 'phase2-batch-0003']);
    expect(h.saves).toEqual([4, 8, 10]);
  });

  it('has no barrier between batches: a slow row of batch 1 does not hold back batch 2, and the checkpoint waits for it', async () => {
    resetRowIds();
    const rows = Array.from({ length: 8 }, (_, i) => user(`p${i}@x.com`, 'L'));
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const started: number[] = [];
    const h = harness(
      rows,
      async (row) => {
        started.push(row.rowId);
        if (row.rowId === 1) await slow;
        if (row.rowId === 8) release();
        return ok();
      },
      2,
      4,
    );
    expect(await h.run).toEqual({ end: 'completed' });
    expect(started.indexOf(8)).toBeLessThan(started.length); // row 8 (batch 2) ran while row 1 was stuck
    expect(h.written.indexOf(8)).toBeLessThan(h.written.indexOf(1));
    // Batch 1 ends only once row 1 is written; by then batch 2 is done too, so the low-water mark covers both.
    expect(h.saves).toEqual([8, 8]);
  });

  it('stops starting rows at the deadline and checkpoints the low-water mark', async () => {
    resetRowIds();
    const rows = Array.from({ length: 5 }, (_, i) => user(`q${i}@x.com`, 'L'));
    const h = harness(rows, async () => ok());
    (h as unknown as { run: unknown }).run = undefined;
    const terminal = new Set<number>();
    const saves: number[] = [];
    const res = await runPhase({
      phase: 2,
      rows: (async function* () {
        yield* rows;
      })(),
      startMark: 0,
      config: { ...DEFAULT_EXECUTOR_CONFIG, batchSize: 10, deadline: 0 },
      outputs: { terminal, write: async () => undefined } as unknown as RunOutputs,
      log: quiet,
      concurrency: () => 2,
      lockKey: (r) => r.entityKey,
      runRow: async () => ok(),
      counters: { rows: 0, batches: 0 },
      saveCheckpoint: async (m) => void saves.push(m),
      onRowDone: () => undefined,
    });
    expect(res.end).toBe('time_budget');
    expect(saves).toEqual([0]);
  });
});

describe('bounds', () => {
  it('MAX_ROWS / MAX_BATCHES count rows and batches started in this invocation: every invocation progresses to the end', async () => {
    resetRowIds();
    const rows = Array.from({ length: 10 }, (_, i) => user(`b${i}@x.com`, 'L'));
    const terminal = new Set<number>();
    const invocation = (bounds: { maxRows?: number; maxBatches?: number }) =>
      runPhase({
        phase: 2,
        rows: (async function* () {
          yield* rows;
        })(),
        startMark: 0,
        config: { ...DEFAULT_EXECUTOR_CONFIG, batchSize: 3, ...bounds },
        outputs: { terminal, write: async (row: ExecRow) => void terminal.add(row.rowId) } as unknown as RunOutputs,
        log: { info() {}, warn() {}, error() {}, fatal() {} },
        concurrency: () => 2,
        lockKey: (r) => r.entityKey,
        runRow: async () => ({ status: 'success', step: 's', message: '' }),
        counters: { rows: 0, batches: 0 },
        saveCheckpoint: async () => undefined,
        onRowDone: () => undefined,
      });
    const ends: string[] = [];
    const done: number[] = [];
    for (let i = 0; i < 5 && terminal.size < rows.length; i++) {
      ends.push((await invocation({ maxRows: 4 })).end);
      done.push(terminal.size);
    }
    expect(ends).toEqual(['bound_reached', 'bound_reached', 'completed']);
    expect(done).toEqual([4, 8, 10]);

    terminal.clear();
    const batchEnds: string[] = [];
    for (let i = 0; i < 5 && terminal.size < rows.length; i++) batchEnds.push((await invocation({ maxBatches: 2 })).end);
    expect(batchEnds).toEqual(['bound_reached', 'completed']);
    expect(terminal.size).toBe(10);
  });
});

describe('parking', () => {
  it('a parked row (settling an unknown outcome) gives its slot to the next row', async () => {
    resetRowIds();
    const rows = [user('a@x.com', 'L'), user('b@x.com', 'L')];
    const started: string[] = [];
    const terminal = new Set<number>();
    const res = await runPhase({
      phase: 2,
      rows: (async function* () {
        yield* rows;
      })(),
      startMark: 0,
      config: { ...DEFAULT_EXECUTOR_CONFIG, batchSize: 10 },
      outputs: { terminal, write: async (row: ExecRow) => void terminal.add(row.rowId) } as unknown as RunOutputs,
      log: { info() {}, warn() {}, error() {}, fatal() {} },
      concurrency: () => 1,
      lockKey: (r) => r.entityKey,
      runRow: async (row, park) => {
        started.push(row.entityKey);
        if (row.entityKey === 'a@x.com') {
          await park(20);
          // With one slot, b could only have run while a was parked.
          expect(started).toEqual(['a@x.com', 'b@x.com']);
        }
        return { status: 'success', step: 's', message: '' };
      },
      counters: { rows: 0, batches: 0 },
      saveCheckpoint: async () => undefined,
      onRowDone: () => undefined,
    });
    expect(res.end).toBe('completed');
    expect([...terminal].sort()).toEqual([1, 2]);
  });
});

describe('BatchTally', () => {
  it('stops early only on token failures (auth_invalid / permission_denied), not on data refusals', () => {
    const data = new BatchTally();
    const dataStreak = new TokenFailureStreak();
    for (let i = 0; i < 30; i++) {
      const outcome = { status: 'pending', step: 's', reasonCode: 'non_retryable_external', message: '' } as const;
      data.add(outcome);
      dataStreak.add(outcome);
    }
    expect(dataStreak.hopeless(25)).toBe(false);
    expect(data.trips(0.8)).toBe(true); // the end-of-batch 80 % rule still counts them
    const token = new TokenFailureStreak();
    for (let i = 0; i < 24; i++)
      token.add({ status: 'pending', step: 's', reasonCode: i % 2 ? 'auth_invalid' : 'permission_denied', message: '' });
    expect(token.hopeless(25)).toBe(false);
    token.add({ status: 'pending', step: 's', reasonCode: 'half_applied', cause: 'auth_invalid', message: '' });
    expect(token.hopeless(25)).toBe(true);
    token.add({ status: 'success', step: 's', message: '' });
    expect(token.hopeless(1)).toBe(false); // a success ends the streak
  });
  it('trips at the threshold counting the cause behind half_applied', () => {
    const t = new BatchTally();
    t.add({ status: 'pending', step: 's', reasonCode: 'auth_invalid', message: '' });
    t.add({ status: 'pending', step: 's', reasonCode: 'half_applied', cause: 'permission_denied', message: '' });
    t.add({ status: 'pending', step: 's', reasonCode: 'non_retryable_external', message: '' });
    t.add({ status: 'pending', step: 's', reasonCode: 'user_not_found', message: '' });
    expect(t.trips(0.8)).toBe(false);
    expect(t.trips(0.75)).toBe(true);
  });
});

describe('payload builders', () => {
  it('builds the location body without inventing fields', () => {
    const body = locationPayload(site('Madrid HQ'));
    expect(body).toEqual({
      name: 'Madrid HQ',
      timeZone: 'Europe/Madrid',
      preferredLanguage: 'es_es',
      announcementLanguage: 'es_es',
      address: { address1: 'Calle Mayor 1', city: 'Madrid', state: 'Madrid', postalCode: '28013', country: 'ES' },
    });
  });
  it('maps calling_settings_* columns to one change each', () => {
    const changes = userSettingChanges(
      user('a@x.com', 'L', {
        calling_settings_call_waiting: 'true',
        calling_settings_forward_always: '+34910000009',
        calling_settings_caller_id: 'LOCATION_NUMBER',
      }),
    );
    expect(changes.map((c) => [c.setting, c.build({})])).toEqual([
      ['callWaiting', { enabled: true }],
      ['callForwarding', { callForwarding: { always: { enabled: true, destination: '+34910000009' } } }],
      ['callerId', { selected: 'LOCATION_NUMBER' }],
    ]);
  });
  it('changes only the line in the People PUT body, echoes every directory number as read, and the guard catches an identity change', () => {
    const read = {
      id: 'P',
      displayName: 'Ana',
      firstName: 'Ana',
      emails: ['a@x.com'],
      licenses: ['L'],
      locationId: 'LOC',
      extension: '1001',
      phoneNumbers: [
        { type: 'work' as const, value: '+34910000009' },
        { type: 'mobile' as const, value: '+34600000000' },
        { type: 'fax' as const, value: '+34910000777' },
        { type: 'work_extension' as const, value: '80011001' },
      ],
    };
    const body = lineChangeBody(read, { extension: '1002', workNumber: '+34910000001' });
    expect(body).toEqual({
      displayName: 'Ana',
      firstName: 'Ana',
      emails: ['a@x.com'],
      licenses: ['L'],
      locationId: 'LOC',
      extension: '1002',
      phoneNumbers: [
        { type: 'work', value: '+34910000001' },
        { type: 'mobile', value: '+34600000000' },
        { type: 'fax', value: '+34910000777' },
        { type: 'work_extension', value: '80011001' },
      ],
    });
    // Only the extension: the work number is kept as read.
    expect(lineChangeBody(read, { extension: '1003' }).phoneNumbers?.[0]).toEqual({ type: 'work', value: '+34910000009' });
    expect(() => assertIdentityUnchanged(read, body)).not.toThrow();
    expect(() => assertIdentityUnchanged(read, { ...body, displayName: 'Other' })).toThrow(/would change "displayName"/);
    expect(() => assertIdentityUnchanged(read, { ...body, phoneNumbers: [{ type: 'work', value: '+34910000001' }] })).toThrow(
      /would change "phoneNumbers \(mobile\/fax\)"/,
    );
  });
  it('names every attribute other than the line that differs between two reads', () => {
    const before = {
      id: 'P',
      displayName: 'Ana',
      emails: ['a@x.com'],
      extension: '1001',
      phoneNumbers: [
        { type: 'mobile' as const, value: '+34600000000' },
        { type: 'work_extension' as const, value: '80011001' },
      ],
    };
    const after = { ...before, extension: '1002', phoneNumbers: [{ type: 'work_extension' as const, value: '80011002' }] };
    expect(identityDifferences(before, after)).toEqual([
      { attribute: 'phoneNumbers (mobile/fax)', before: ['mobile:+34600000000'], after: [] },
    ]);
    expect(identityDifferences(before, { ...before, extension: '1002' })).toEqual([]);
  });
  it('refuses to PUT a person with several e-mail addresses (GET does not guarantee which is primary)', () => {
    expect(() => assertSafeToReplace({ emails: ['a@x.com', 'b@x.com'] })).toThrow(/2 e-mail addresses/);
    expect(() => assertSafeToReplace({ emails: ['a@x.com'] })).not.toThrow();
  });
});

describe('scope', () => {
  it('no step creates people or changes identity: no people.create, no POST /people, no identity PUT path', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    })(src).filter((f) => f.endsWith('.ts'));
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(text).not.toMatch(/user_create|user_update_identity|people\.create|POST\s*\(\s*['"]\/people['"]/);
    // The only People PUT is the line change, guarded by assertIdentityUnchanged right before it.
    const puts = text.match(/people\.update\(/g) ?? [];
    expect(puts).toHaveLength(1);
    // (inside the apply point's send, which is handed the write port)
    expect(text).toMatch(/assertIdentityUnchanged\(read, body\);\s*\n\s*await port\.people\.update\(/);
  });
});

describe('row effect', () => {
  it('a create makes the row created, any other change changed, none unchanged; a step may say otherwise', async () => {
    const effect = async (mutations: string[], own?: 'changed') =>
      runSteps(async (trail) => {
        for (const m of mutations) trail.mutated(m);
        return { status: 'success', step: 'x', message: '', effect: own };
      });
    expect(await effect([CREATED_MARK, 'location_enable_calling'])).toMatchObject({ effect: 'created' });
    expect(await effect(['calling licence assigned'])).toMatchObject({ effect: 'changed' });
    expect(await effect([])).toMatchObject({ effect: 'unchanged' });
    expect(await effect([], 'changed')).toMatchObject({ effect: 'changed' });
  });
});
