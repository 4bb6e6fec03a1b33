import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { assignment, run, site, useInProcessSim, user } from './fixtures.js';
import { readPending, readResults } from './outputs-read.js';

const { sim, server } = useInProcessSim();

/** How Webex answers a feature this person's licence lacks (status and body as the spec's error shape). */
const refuse = () =>
  HttpResponse.json(
    { message: 'Call recording is not available for this user', errors: [{ errorCode: 25409, description: 'no recording vendor' }] },
    { status: 400, headers: { trackingid: 'ROUTER_refused' } },
  );

describe('a licence-bound setting Webex refuses for this person ends pending out_of_scope with Webex’s reason', () => {
  it('a person who already has Calling: the refused GET stops nothing else, the row ends out_of_scope naming setting and column', async () => {
    await run([site('Madrid HQ')]);
    server.use(http.get('*/v1/people/:id/features/callRecording', refuse));
    const { result, outDir } = await run([
      site('Madrid HQ'),
      user('old.timer@example.com', 'Madrid HQ', { calling_settings_call_recording: 'always', calling_settings_hoteling: 'true' }),
    ]);
    expect(result.byReason).toEqual({ half_applied: 1 });
    const [pending] = await readPending(outDir);
    expect(pending).toMatchObject({ step: 'user_apply_calling_settings', http_status: '400' });
    expect(pending!.reason_message).toMatch(
      /^hoteling \(calling_settings_hoteling\) applied; user_apply_calling_settings failed \(out_of_scope\): Webex refused a setting for this person, which their licence or location cannot take: callRecording \(calling_settings_call_recording\): .*Call recording is not available for this user/,
    );
    const oldTimer = [...sim.org.people.values()].find((p) => p.email === 'old.timer@example.com')!;
    expect(oldTimer.settings!.hoteling).toMatchObject({ enabled: true });
  });

  it('alone, it ends out_of_scope (nothing applied), and the breaker does not count it', async () => {
    await run([site('Madrid HQ')]);
    server.use(http.put('*/v1/people/:id/features/callRecording', refuse));
    const rows = [site('Madrid HQ'), user('old.timer@example.com', 'Madrid HQ', { calling_settings_call_recording: 'on_demand' })];
    const { result, outDir } = await run(rows);
    expect(result.byReason).toEqual({ out_of_scope: 1 });
    const user0 = (await readResults(outDir)).find((r) => r.entity_type === 'user')!;
    expect(user0).toMatchObject({ status: 'pending', http_status: '400' });
    expect(user0.message).toMatch(/out_of_scope: Webex refused a setting .*callRecording .*Leave the column empty for this user/);
  });

  it('a 404 on the read (the person gone since the lookup) is not a licence refusal', async () => {
    await run([site('Madrid HQ')]);
    server.use(
      http.get('*/v1/people/:id/features/callRecording', () => HttpResponse.json({ message: 'Person not found' }, { status: 404 })),
    );
    const { result } = await run([
      site('Madrid HQ'),
      user('old.timer@example.com', 'Madrid HQ', { calling_settings_call_recording: 'always' }),
    ]);
    expect(result.byReason.out_of_scope).toBeUndefined();
    expect(Object.keys(result.byReason)).toHaveLength(1);
  });

  it('an older setting (not licence-bound) refused keeps its reason: non_retryable_external', async () => {
    await run([site('Madrid HQ')]);
    server.use(http.put('*/v1/people/:id/features/callWaiting', () => HttpResponse.json({ message: 'nope' }, { status: 400 })));
    const { result } = await run([
      site('Madrid HQ'),
      user('old.timer@example.com', 'Madrid HQ', { calling_settings_call_waiting: 'false' }),
      assignment('old.timer@example.com', 'Madrid HQ', { extension: '1999' }),
    ]);
    expect(result.byReason).toEqual({ non_retryable_external: 1 });
  });
});
