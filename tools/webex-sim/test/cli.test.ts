import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

it('wbp-sim prints one JSON line and serves the seeded org over HTTP', async () => {
  const dir = tempDir('wbp-sim-cli-');
  writeFileSync(join(dir, 'people.csv'), 'email,display_name\nana.garcia@example.com,Ana García\n');
  writeFileSync(join(dir, 'numbers.csv'), 'location_name,phone_number\nMadrid HQ,+34910000001\n');
  const child = spawn(
    process.execPath,
    [
      '--conditions=@wbp/source',
      '--import',
      'tsx',
      'tools/webex-sim/src/cli.ts',
      '--port',
      '0',
      '--token',
      'cli-token',
      '--people',
      join(dir, 'people.csv'),
      '--numbers',
      join(dir, 'numbers.csv'),
      '--calling-licenses',
      '5,7',
      '--people-mobile',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const first = await new Promise<string>((res) => createInterface({ input: child.stdout! }).once('line', res));
    const { baseUrl, token } = JSON.parse(first) as { baseUrl: string; token: string };
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(token).toBe('cli-token');
    const r = await fetch(`${baseUrl}/people?email=ana.garcia%40example.com`, { headers: { Authorization: `Bearer ${token}` } });
    const ana = ((await r.json()) as { items: { displayName: string; phoneNumbers?: { type: string }[] }[] }).items[0];
    expect(ana?.displayName).toBe('Ana García');
    expect(ana?.phoneNumbers?.map((n) => n.type)).toEqual(['mobile']);
    const lic = await fetch(`${baseUrl}/licenses`, { headers: { Authorization: `Bearer ${token}` } });
    const items = ((await lic.json()) as { items: { name: string; totalUnits: number }[] }).items;
    expect(items.filter((l) => l.name === 'Webex Calling - Professional').map((l) => l.totalUnits)).toEqual([5, 7]);
  } finally {
    child.kill('SIGTERM');
  }
});
