import { describe, expect, it } from 'vitest';
import { watchSignals } from '../src/run/signals.js';
import { wbp, workspace } from './helpers.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGUSR2'] as const;
const count = () => SIGNALS.map((s) => process.listenerCount(s));

describe('watchSignals', () => {
  it('takes its process listeners off when disposed', () => {
    const before = count();
    const signals = watchSignals();
    expect(count()).toEqual(before.map((n) => n + 1));
    signals.dispose();
    expect(count()).toEqual(before);
  });

  it('hands back a disposer for each listener: after it, SIGUSR2 does nothing and a stop reaches no one', () => {
    const signals = watchSignals();
    try {
      const seen: string[] = [];
      const offDiagnose = signals.onDiagnose(() => seen.push('diagnose'));
      const offStop = signals.onStop((s) => seen.push(s));
      process.emit('SIGUSR2', 'SIGUSR2');
      offDiagnose();
      process.emit('SIGUSR2', 'SIGUSR2');
      offStop();
      process.emit('SIGTERM', 'SIGTERM');
      expect(seen).toEqual(['diagnose']);
      expect(signals.stoppedBy).toBe('SIGTERM');
    } finally {
      signals.dispose();
    }
  });
});

describe('wbp run leaves no signal listener behind', () => {
  it.each([
    ['a usage mistake', ['run']],
    ['a bad configuration', ['run', 'site.csv', '--out', 'out']],
    ['an unreadable CSV', ['run', 'missing.csv', '--out', 'out']],
  ])('after %s', async (_what, argv) => {
    const dir = await workspace({ 'site.csv': 'entity_type\n' });
    const before = count();
    const result = await wbp(argv, {
      cwd: dir,
      env: argv.length > 2 && argv[1] === 'missing.csv' ? { ENVIRONMENT: 'lab', WEBEX_TOKEN: 'token-0123456789' } : {},
    });
    expect(result.code).not.toBe(0);
    expect(count()).toEqual(before);
  });
});
