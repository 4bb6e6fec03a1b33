import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main, type CliIo } from '@wbp/runner';
import { assignmentRow, inputCsv, locationRow, userRow, type InputCells } from '../../../test-support/rows.js';
import { tempDir } from '../../../test-support/temp-dir.js';

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
  const dir = tempDir('wbp-runner-');
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

export const SITE_CSV = inputCsv([
  locationRow(),
  userRow(),
  userRow({ email: 'ANA.GARCIA@example.com' }),
  assignmentRow({ phone_number: '+34 910 000 001' }),
  assignmentRow({ email: 'luis@example.com', extension: '9' }),
]);

/** A user row at ES-MAD-01 that asks for Calling. */
export const callingUserRow = (email: string, overrides: InputCells = {}): InputCells =>
  userRow({ email, calling_enabled: 'true', ...overrides });

/** Madrid HQ, one user with Calling and their extension 4000. */
export const ONE_USER_CSV = inputCsv([
  locationRow(),
  callingUserRow('u0@example.com'),
  assignmentRow({ email: 'u0@example.com', extension: '4000' }),
]);

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
