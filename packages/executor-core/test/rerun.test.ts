import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '@wbp/state';
import { readResults } from './outputs-read.js';
import { assignment, run, site, tmpOut, useInProcessSim, user } from './fixtures.js';

const { sim, server } = useInProcessSim();

describe('attempt 2 re-runs exactly the pending rows, in phase order', () => {
  it('a location that failed in attempt 1 is created in phase 1 of attempt 2, before its users and their lines; the other location is not touched', async () => {
    const rows = [
      site('Sevilla'),
      site('Madrid HQ'),
      user('ana.garcia@example.com', 'Sevilla'),
      user('john.smith@example.com', 'Madrid HQ'),
      assignment('ana.garcia@example.com', 'Sevilla', { extension: '2001' }),
      assignment('john.smith@example.com', 'Madrid HQ', { extension: '3001' }),
    ];
    const outDir = tmpOut();
    // Attempt 1: Webex answers 503 to Sevilla's create (never applied): its row, then its user and assignment, end pending.
    server.use(
      http.post('*/locations', async ({ request }) =>
        ((await request.clone().json()) as { name?: string }).name === 'Sevilla'
          ? HttpResponse.json({ message: 'unavailable' }, { status: 503 })
          : undefined,
      ),
    );
    const first = await run(rows, { outDir, retries: 0 });
    expect(first.result).toMatchObject({ status: 'completed', attempt: 1, success: 3, pending: 3 });
    expect(await readCheckpoint(outDir)).toMatchObject({ attempt: 1, attempt_finished_at: expect.any(String) });
    server.resetHandlers();
    const creates = () => sim.stats().requests.byOperation['POST /locations'] ?? 0;
    const licences = () => sim.stats().requests.byOperation['PATCH /licenses/users'] ?? 0;
    const before = { creates: creates(), licences: licences() };

    const second = await run(rows, { outDir });
    expect(second.result).toMatchObject({ status: 'completed', attempt: 2, success: 3, pending: 0, skipped: 3 });
    expect(creates() - before.creates).toBe(1); // Sevilla only
    expect(licences() - before.licences).toBe(1); // ana@ only
    const lines = await readResults(outDir);
    const attempt2 = lines.filter((r) => r.attempt === '2');
    expect(attempt2.map((r) => [r.row_id, r.phase, r.status])).toEqual([
      ['1', '1', 'success'],
      ['3', '2', 'success'],
      ['5', '3', 'success'],
    ]);
    // Each row: one line per attempt it ran in; a success of attempt 1 has no line of attempt 2.
    expect(lines.filter((r) => r.attempt === '1')).toHaveLength(6);
    const checkpoint = await readCheckpoint(outDir);
    expect(checkpoint).toMatchObject({
      phase: 3,
      attempt: 2,
      attempt_finished_at: expect.any(String),
      started_at: first.result.checkpoint?.started_at,
    });
    expect(checkpoint?.attempt_started_at).not.toBe(checkpoint?.started_at);

    // Nothing pending: no attempt 3, no request, no checkpoint write.
    const requests = sim.stats().requests.total;
    const third = await run(rows, { outDir });
    expect(third.result).toMatchObject({ status: 'completed', attempt: 2, nothingPending: true, success: 0, pending: 0 });
    expect(sim.stats().requests.total).toBe(requests); // not even the run-wide org lookups
    expect(await readCheckpoint(outDir)).toEqual(checkpoint);
    expect(await readResults(outDir)).toEqual(lines);
  });
});
