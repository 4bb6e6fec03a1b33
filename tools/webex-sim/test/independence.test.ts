import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import schemas from '../src/generated/request-schemas.json' with { type: 'json' };
import { PERSON_SETTINGS } from '../src/index.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

it('the simulator source imports nothing from the client it referees, and does not depend on it at run time', () => {
  const offenders = sources(join(pkg, 'src')).filter((f) => readFileSync(f, 'utf8').includes('@wbp/webex-client'));
  expect(offenders).toEqual([]);
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  expect(Object.keys(manifest.dependencies ?? {})).not.toContain('@wbp/webex-client');
});

it('person settings come from the spec: every features path with both a GET and a PUT', () => {
  const keys = Object.keys(schemas);
  expect([...PERSON_SETTINGS].sort()).toEqual(
    [
      'callForwarding',
      'callRecording',
      'callWaiting',
      'callerId',
      'doNotDisturb',
      'incomingPermission',
      'outgoingPermission',
      'voicemail',
      'hoteling',
      'bargeIn',
    ].sort(),
  );
  for (const s of PERSON_SETTINGS) {
    expect(keys).toContain(`GET /people/{personId}/features/${s}`);
    expect(keys).toContain(`PUT /people/{personId}/features/${s}`);
  }
  expect(PERSON_SETTINGS).not.toContain('numbers');
});
