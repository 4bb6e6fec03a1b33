import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { assignment, run, site, tmpOut, TOKEN, useInProcessSim, user } from './fixtures.js';
import { readPending, readResults } from './outputs-read.js';
import type { ExecRow } from '../src/index.js';

const { sim, server } = useInProcessSim({
  people: Array.from({ length: 60 }, (_, i) => ({ email: `p${i}@example.com`, displayName: `P ${i}` })),
});

function people(n: number, location = 'Madrid HQ'): ExecRow[] {
  const rows: ExecRow[] = [];
  for (let i = 0; i < n; i++) rows.push(user(`p${i}@example.com`, location));
  for (let i = 0; i < n; i++) rows.push(assignment(`p${i}@example.com`, location, { extension: String(3000 + i) }));
  return rows;
}

/** Runs the rows and revokes the token (someone rotated it elsewhere) once user row `rowId` has ended. */
function runRevokingAt(rows: ExecRow[], rowId: number, outDir = tmpOut()) {
  let revoked = false;
  return run(rows, {
    outDir,
    retries: 0,
    config: { batchSize: 10, concurrency: 2 },
    onRowDone: (row) => {
      if (row.entityType === 'user' && row.rowId === rowId && !revoked) {
        revoked = true;
        sim.configure({ token: 'rotated-elsewhere' });
      }
    },
  });
}

describe('circuit breaker', () => {
  it('a token revoked mid-run stops the run within one batch, with a checkpoint at the last complete batch', async () => {
    const rows = [site('Madrid HQ'), ...people(50)];
    const { result, outDir } = await runRevokingAt(rows, 12);
    expect(result.status).toBe('aborted_breaker');
    const results = await readResults(outDir);
    const authInvalid = results.filter((r) => r.message.startsWith('auth_invalid'));
    expect(authInvalid.length).toBeGreaterThan(0);
    expect(authInvalid.length).toBeLessThanOrEqual(10);
    expect(results.length).toBeLessThan(25);
    const checkpoint = JSON.parse(readFileSync(join(outDir, 'checkpoint.json'), 'utf8')) as { phase: number; last_row_id: number };
    expect(checkpoint.phase).toBe(2);
    const terminal = new Set(results.map((r) => Number(r.row_id)));
    for (let id = 2; id <= checkpoint.last_row_id; id++) expect(terminal.has(id)).toBe(true);
  });

  it('"replace the token, then resume": the rows that ended auth_invalid are tried again, each row keeps exactly one line', async () => {
    const rows = [site('Madrid HQ'), ...people(30)];
    const outDir = tmpOut();
    const first = await runRevokingAt(rows, 8, outDir);
    expect(first.result.status).toBe('aborted_breaker');
    expect((await readResults(outDir)).some((r) => r.message.startsWith('auth_invalid'))).toBe(true);

    sim.configure({ token: TOKEN }); // the operator put a valid token back
    const { result } = await run(rows, { outDir });
    expect(result).toMatchObject({ status: 'completed', pending: 0 });
    const results = await readResults(outDir);
    expect(results.map((r) => Number(r.row_id)).sort((a, b) => a - b)).toEqual(rows.map((r) => r.rowId));
    expect(results.every((r) => r.status === 'success')).toBe(true);
    expect(await readPending(outDir)).toEqual([]);
    expect(sim.stats().state).toMatchObject({ callingUsers: 30, duplicateLicenseAssignments: 0 });
  });

  it('a proxy answering every request with an HTML page stops the run within one batch (invalid_response_schema), after retrying each GET', async () => {
    const rows = [site('Madrid HQ'), ...people(50)];
    let proxied = false;
    // Until then the simulator answers (a resolver that returns nothing falls through to it).
    server.use(
      http.get('*/v1/people', () =>
        proxied ? new HttpResponse('<html>Sign in to continue</html>', { headers: { 'content-type': 'text/html' } }) : undefined,
      ),
    );
    const { result, outDir } = await run(rows, {
      retries: 1,
      config: { batchSize: 10, concurrency: 2 },
      onRowDone: (row) => {
        if (row.entityType === 'location') proxied = true;
      },
    });
    expect(result.status).toBe('aborted_breaker');
    const results = await readResults(outDir);
    expect(results.filter((r) => r.message.startsWith('invalid_response_schema')).length).toBeGreaterThan(0);
    expect(results.some((r) => r.message.startsWith('unhandled_exception'))).toBe(false);
    expect(results.length).toBeLessThan(25);
  });

  it('does not trip on row-level data problems (user_not_found, precondition_missing)', async () => {
    const rows = [site('Madrid HQ'), ...Array.from({ length: 10 }, (_, i) => user(`ghost${i}@example.com`, 'Madrid HQ'))];
    const { result } = await run(rows, { config: { batchSize: 5 } });
    expect(result).toMatchObject({ status: 'completed', byReason: { user_not_found: 10 } });
  });
});

describe('resume', () => {
  it('continues after a crash mid-run without a second results line or a second create', async () => {
    const rows = [site('Madrid HQ'), ...people(20)];
    const outDir = tmpOut();
    // The first run dies after 15 rows (an exception stands in for the crash here; the SIGKILL test is crash-resume.test.ts).
    let done = 0;
    const first = await run(rows, {
      outDir,
      retries: 0,
      config: { batchSize: 5, concurrency: 1 },
      onRowDone: () => {
        if (++done === 15) throw new Error('simulated crash');
      },
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    const partial = await readResults(outDir);
    expect(partial.length).toBe(15);
    const { result } = await run(rows, { outDir });
    expect(result.status).toBe('completed');
    expect(result.skipped).toBe(15);
    const results = await readResults(outDir);
    expect(results.map((r) => Number(r.row_id)).sort((a, b) => a - b)).toEqual(rows.map((r) => r.rowId));
    expect(sim.stats().state).toMatchObject({ locations: 1, callingUsers: 20, duplicateLicenseAssignments: 0 });
    expect(sim.stats().requests.byOperation['POST /locations']).toBe(1);
  });

  it('refuses a checkpoint from a different CSV and leaves the outputs untouched', async () => {
    const outDir = tmpOut();
    const rows = [site('Madrid HQ')];
    await run(rows, { outDir });
    const before = readFileSync(join(outDir, 'results.csv'), 'utf8');
    const cp = JSON.parse(readFileSync(join(outDir, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(outDir, 'checkpoint.json'), JSON.stringify({ ...cp, input_hash: 'b'.repeat(64) }));
    const { result } = await run(rows, { outDir });
    expect(result.status).toBe('hash_mismatch');
    expect(readFileSync(join(outDir, 'results.csv'), 'utf8')).toBe(before);
  });

  it('completes a results line from pending_rows.csv when a crash fell between the two writes', async () => {
    const outDir = tmpOut();
    const rows = [site('Madrid HQ'), user('ghost@example.com', 'Madrid HQ')];
    await run(rows, { outDir });
    const results = readFileSync(join(outDir, 'results.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(outDir, 'results.csv'), `${results.slice(0, -1).join('\n')}\n`);
    // The crash came before the attempt could be marked finished: the same attempt resumes.
    const { attempt_finished_at: _finished, ...unfinished } = JSON.parse(readFileSync(join(outDir, 'checkpoint.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(join(outDir, 'checkpoint.json'), JSON.stringify(unfinished));
    const { result } = await run(rows, { outDir });
    expect(result).toMatchObject({ status: 'completed', success: 0, pending: 0, skipped: 2 });
    const after = await readResults(outDir);
    expect(after.map((r) => [r.row_id, r.status])).toEqual([
      ['1', 'success'],
      ['2', 'pending'],
    ]);
  });

  it('refuses corrupt outputs instead of repairing them', async () => {
    const outDir = tmpOut();
    const rows = [site('Madrid HQ')];
    await run(rows, { outDir });
    writeFileSync(join(outDir, 'results.csv'), readFileSync(join(outDir, 'results.csv'), 'utf8').slice(0, -5));
    await expect(run(rows, { outDir })).rejects.toMatchObject({ name: 'OutputCorruptError' });
  });
});

describe('bounds', () => {
  it('MAX_ROWS and MAX_BATCHES stop the run with a checkpoint', async () => {
    const rows = [site('Madrid HQ'), ...people(10)];
    const a = await run(rows, { config: { batchSize: 4, maxRows: 9 } });
    expect(a.result.status).toBe('bound_reached');
    expect(a.result.detail).toMatch(/MAX_ROWS=9/);
    expect(a.result.checkpoint).toBeDefined();
    const b = await run(rows, { config: { batchSize: 4, maxBatches: 2 } });
    expect(b.result.status).toBe('bound_reached');
    expect(b.result.detail).toMatch(/MAX_BATCHES=2/);
  });

  it('a time budget already spent starts no row and leaves a checkpoint to resume from', async () => {
    const rows = [site('Madrid HQ'), ...people(5)];
    const outDir = tmpOut();
    const first = await run(rows, { outDir, config: { deadline: 0 } });
    expect(first.result.status).toBe('time_budget');
    expect(await readResults(outDir)).toHaveLength(0);
    const second = await run(rows, { outDir });
    expect(second.result).toMatchObject({ status: 'completed', success: 11 });
  });
});
