import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '@wbp/runner';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `wbp` in-process with captured output. */
export async function wbp(argv: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: options.env ?? {},
    cwd: options.cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wbp-runner-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

export const SITE_CSV = [
  'entity_type,location_key,location_name,location_external_id,time_zone,preferred_language,announcement_language,address_line1,address_city,address_state,address_postal_code,address_country,email,extension,phone_number',
  'location,,Madrid HQ,ES-MAD-01,Europe/Madrid,es_es,es_es,Calle Mayor 1,Madrid,Madrid,28013,ES,,,',
  'user,ES-MAD-01,,,,,,,,,,,ana.garcia@example.com,,',
  'user,ES-MAD-01,,,,,,,,,,,ANA.GARCIA@example.com,,',
  'extension_assignment,ES-MAD-01,,,,,,,,,,,ana.garcia@example.com,1001,+34 910 000 001',
  'extension_assignment,ES-MAD-01,,,,,,,,,,,luis@example.com,9,',
  '',
].join('\n');

export const BIN = join(import.meta.dirname, '..', 'bin', 'wbp.mjs');

export interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `wbp` bin as a child process with only PATH and `env` in its environment. */
export function spawnWbp(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  onSpawn?: (child: ChildProcess) => void,
): Promise<Spawned> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => done({ code, signal, stdout, stderr }));
    onSpawn?.(child);
  });
}
