import { describe, expect, it } from 'vitest';
import { WebexApiError } from '@wbp/webex-client';
import { onceOrAdopt, type OnceOrAdopt } from '../src/settle.js';

const unknown = () =>
  new WebexApiError({ method: 'POST', path: '/locations', failure: 'http_status', status: 504, attempts: 1, outcomeUnknown: true });
const refused = (status: number) => new WebexApiError({ method: 'POST', path: '/locations', failure: 'http_status', status, attempts: 1 });

/** A scripted mutation: each send answers from `answers`; the mutation "lands" at `landsAt` ms on a virtual clock. */
function scripted(answers: (Error | 'ok')[], landsAt: number | undefined) {
  let clock = 0;
  const log: string[] = [];
  const spec: OnceOrAdopt<string> = {
    send: async () => {
      log.push(`send@${clock}`);
      const a = answers.shift() ?? 'ok';
      if (a === 'ok') return 'sent';
      throw a;
    },
    lookup: async () => {
      log.push(`lookup@${clock}`);
      return landsAt !== undefined && clock >= landsAt ? 'found' : undefined;
    },
    mayBeDone: (err) => err.status === 409,
    settle: { windowMs: 60_000, firstDelayMs: 1_000 },
    park: async (ms) => {
      clock += ms;
    },
    now: () => clock,
  };
  return { spec, log };
}

describe('onceOrAdopt: an unknown outcome settles by lookup before anything is re-sent', () => {
  it('a create applied late (504 at once, lands after 10 s) is found by a later lookup and adopted: one send only', async () => {
    const { spec, log } = scripted([unknown()], 10_000);
    expect(await onceOrAdopt(spec)).toEqual({ value: 'found', adopted: true });
    expect(log).toEqual(['send@0', 'lookup@0', 'lookup@1000', 'lookup@3000', 'lookup@7000', 'lookup@15000']);
  });

  it('not found within the whole window: sent exactly once more, and only after the window', async () => {
    const { spec, log } = scripted([unknown(), 'ok'], undefined);
    expect(await onceOrAdopt(spec)).toEqual({ value: 'sent', adopted: false });
    const sends = log.filter((l) => l.startsWith('send'));
    expect(sends).toEqual(['send@0', 'send@60000']);
    expect(log.at(-2)).toBe('lookup@60000');
  });

  it('a mutation safe to repeat is looked up at once and at the end of the short repeat-safe window, then sent once more', async () => {
    const { spec, log } = scripted([unknown(), 'ok'], undefined);
    spec.repeatSafe = true;
    spec.settle = { windowMs: 60_000, firstDelayMs: 1_000, repeatSafeWindowMs: 5_000 };
    expect(await onceOrAdopt(spec)).toEqual({ value: 'sent', adopted: false });
    expect(log).toEqual(['send@0', 'lookup@0', 'lookup@5000', 'send@5000']);
  });

  it('a repeat-safe re-send answered "already done" looks over the whole window for the first one landing', async () => {
    const { spec, log } = scripted([unknown(), refused(409)], 20_000);
    spec.repeatSafe = true;
    spec.settle = { windowMs: 60_000, firstDelayMs: 1_000, repeatSafeWindowMs: 5_000 };
    expect(await onceOrAdopt(spec)).toEqual({ value: 'found', adopted: true });
    expect(log.filter((l) => l.startsWith('send'))).toEqual(['send@0', 'send@5000']);
    expect(log.at(-1)).toBe('lookup@20000');
  });

  it('a re-send answered "already exists" is adopted after a lookup, never a third send', async () => {
    const { spec, log } = scripted([unknown(), refused(409)], 61_000);
    // Lands just after the window: the re-send meets it as a conflict.
    spec.lookup = async () => {
      log.push('lookup');
      return log.filter((l) => l.startsWith('send')).length === 2 ? 'found' : undefined;
    };
    expect(await onceOrAdopt(spec)).toEqual({ value: 'found', adopted: true });
    expect(log.filter((l) => l.startsWith('send'))).toHaveLength(2);
  });

  it('a second unknown outcome after the re-send settles again and then gives up with the error', async () => {
    const { spec, log } = scripted([unknown(), unknown()], undefined);
    await expect(onceOrAdopt(spec)).rejects.toMatchObject({ outcomeUnknown: true });
    expect(log.filter((l) => l.startsWith('send'))).toHaveLength(2);
  });

  it('a plain refusal is not looked up and not re-sent', async () => {
    const { spec, log } = scripted([refused(400)], 0);
    await expect(onceOrAdopt(spec)).rejects.toMatchObject({ status: 400 });
    expect(log).toEqual(['send@0']);
  });

  it('a conflict on the first send is adopted when the lookup finds it, and thrown when it does not', async () => {
    const found = scripted([refused(409)], 0);
    expect(await onceOrAdopt(found.spec)).toEqual({ value: 'found', adopted: true });
    const missing = scripted([refused(409)], undefined);
    await expect(onceOrAdopt(missing.spec)).rejects.toMatchObject({ status: 409 });
    expect(missing.log).toEqual(['send@0', 'lookup@0']);
  });
});
