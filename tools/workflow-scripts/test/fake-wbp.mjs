#!/usr/bin/env node
// A stand-in for `wbp plan` in the workflow-script tests (WBP_BIN). What it does is set per CSV by
// FAKE_PLAN, a JSON object: { "<csv path>" | "*": { exit, write, changes, sha, environment, planMd, raw } }.
//   exit     the exit status (default 2)          write   whether it writes the plan files (default true)
//   changes  plan.json's changes (default 3)       sha / environment   override what plan.json claims
//   planMd   the plan.md text (planMdRepeat: [text, times])                    raw     plan.json's text as is (a broken file)
// Every call is appended to FAKE_LOG as one JSON line: argv, and which variables it was given.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const csv = args[1] ?? '';
const out = args[args.indexOf('--out') + 1] ?? '';
if (process.env.FAKE_LOG) {
  appendFileSync(
    process.env.FAKE_LOG,
    `${JSON.stringify({
      args,
      cwd: process.cwd(),
      hasSummary: process.env.GITHUB_STEP_SUMMARY !== undefined,
      token: process.env.WEBEX_TOKEN ?? null,
      environment: process.env.ENVIRONMENT ?? null,
    })}\n`,
  );
}
const all = JSON.parse(process.env.FAKE_PLAN || '{}');
const spec = { exit: 2, write: true, changes: 3, ...(all['*'] ?? {}), ...(all[csv] ?? {}) };
if (spec.write) {
  mkdirSync(out, { recursive: true });
  const sha = spec.sha ?? createHash('sha256').update(readFileSync(csv)).digest('hex');
  const plan = {
    csv,
    csvSha256: sha,
    environment: spec.environment ?? process.env.ENVIRONMENT,
    createdAt: '2026-12-07T07:00:00Z',
    counts: {
      byAction: { create: spec.changes, noop: 5 },
      byExpectedStatus: { success: 5 + spec.changes, pending: 1 },
      byReason: { user_not_found: 1 },
    },
    licences: [{ name: 'Webex Calling - Professional', needed: spec.changes, free: 10 }],
    changes: spec.changes,
  };
  writeFileSync(join(out, 'plan.json'), spec.raw ?? JSON.stringify(plan));
  writeFileSync(
    join(out, 'plan.md'),
    (spec.planMdRepeat ? String(spec.planMdRepeat[0]).repeat(spec.planMdRepeat[1]) : undefined) ??
      spec.planMd ??
      `### wbp plan of ${csv}\n\n${spec.changes} change(s)\n`,
  );
  writeFileSync(join(out, 'plan.csv'), 'row_id,entity_type,entity_key,action,expected_status,reason_code,detail\n');
  writeFileSync(join(out, 'ready_to_load.csv'), 'row_id\n');
  writeFileSync(join(out, 'rejected_rows.csv'), 'row_id\n');
}
if (spec.annotate) process.stdout.write(`::warning file=${csv},line=3::row 2 would end pending (user_not_found)\n`);
process.exitCode = spec.exit;
