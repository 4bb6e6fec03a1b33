import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, vi } from 'vitest';

// @actions/core reads $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY from process.env, and keeps the
// summary's path once it has written there (as a runner step does): one pair of runner files per
// test file, emptied for each test.
const runnerTemp = mkdtempSync(join(tmpdir(), 'wbp-workflow-runner-'));
const output = join(runnerTemp, 'output');
const summary = join(runnerTemp, 'summary');
afterAll(() => rmSync(runnerTemp, { recursive: true, force: true }));

/** A throw-away checkout with $GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY files, as a runner gives a step. */
export function tempWorkspace(files: Record<string, string> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'wbp-workflow-scripts-'));
  writeFileSync(output, '');
  writeFileSync(summary, '');
  vi.stubEnv('GITHUB_OUTPUT', output);
  vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
  const workspace = join(root, 'repo');
  mkdirSync(join(workspace, 'sites'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
  return {
    root,
    workspace,
    env: { GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary } as Record<string, string>,
    outputs: () => parseOutputs(readFileSync(output, 'utf8')),
    summary: () => readFileSync(summary, 'utf8'),
    cleanup: () => {
      vi.unstubAllEnvs();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** What `fn` writes to process.stdout (where @actions/core writes workflow commands), and its result. */
export async function captureStdout<T>(fn: () => T | Promise<T>): Promise<{ result: T; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    return { result: await fn(), stdout };
  } finally {
    spy.mockRestore();
  }
}

/** Reads a $GITHUB_OUTPUT file the way the runner does: `k=v` lines and `k<<DELIM … DELIM` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`unterminated output ${name}`);
      out[name as string] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`bad output line ${JSON.stringify(line)}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export interface FakeArtifact {
  id: number;
  name: string;
  runId: number;
  createdAt: string;
  expired?: boolean;
}

export interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
}

export interface FakeRun {
  id: number;
  status: string;
  display_title: string;
}

export interface FakeApproval {
  state: 'approved' | 'rejected';
  user: { login: string };
  environments: { name: string }[];
}

/**
 * Answers the artifact-listing, workflow-runs and run-approvals endpoints of the GitHub REST API
 * from lists the test owns (and may change between calls: `world.runs`, `world.approvals`).
 */
export function fakeGithubApi(
  artifacts: FakeArtifact[],
  runs: number[] = [...new Set(artifacts.map((a) => a.runId))],
  world: { runs: FakeRun[]; approvals: Record<number, FakeApproval[]> } = { runs: [], approvals: {} },
) {
  const seen: SeenRequest[] = [];
  const toJson = (a: FakeArtifact) => ({
    id: a.id,
    name: a.name,
    expired: a.expired ?? false,
    created_at: a.createdAt,
    expires_at: '2099-01-01T00:00:00Z',
    workflow_run: { id: a.runId, head_branch: 'main' },
  });
  const answer = (method: string, url: string, authorization: string | undefined): { status: number; body: unknown } => {
    seen.push({ method, url, authorization });
    const u = new URL(url, 'http://api.test');
    const list = /^\/repos\/acme\/wbp\/actions\/artifacts$/.exec(u.pathname);
    if (list) {
      const name = u.searchParams.get('name');
      // In the order given (the real API sorts newest first): tests pass them unsorted to prove
      // the script picks the newest itself.
      const hits = artifacts.filter((a) => name === null || a.name === name).map(toJson);
      return { status: 200, body: { total_count: hits.length, artifacts: hits } };
    }
    if (u.pathname === '/repos/acme/wbp/actions/workflows/provision.yml/runs') {
      return { status: 200, body: { total_count: world.runs.length, workflow_runs: world.runs } };
    }
    const approvals = /^\/repos\/acme\/wbp\/actions\/runs\/(\d+)\/approvals$/.exec(u.pathname);
    if (approvals) return { status: 200, body: world.approvals[Number(approvals[1])] ?? [] };
    const run = /^\/repos\/acme\/wbp\/actions\/runs\/(\d+)\/artifacts$/.exec(u.pathname);
    if (run) {
      const id = Number(run[1]);
      if (!runs.includes(id)) return { status: 404, body: { message: 'Not Found' } };
      const hits = artifacts.filter((a) => a.runId === id).map(toJson);
      return { status: 200, body: { total_count: hits.length, artifacts: hits } };
    }
    return { status: 404, body: { message: 'Not Found' } };
  };
  const fetch = async (url: string | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const { status, body } = answer(init?.method ?? 'GET', String(url), headers.get('authorization') ?? undefined);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, seen, answer, world };
}

/** The same fake API over real HTTP, for scripts started as child processes. */
export async function fakeGithubServer(api: ReturnType<typeof fakeGithubApi>): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res) => {
    const { status, body } = api.answer(req.method ?? 'GET', req.url ?? '/', req.headers.authorization);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}
