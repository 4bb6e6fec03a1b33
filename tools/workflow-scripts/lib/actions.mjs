// The runner conventions the workflow scripts use — step outputs, the job summary and annotations —
// through @actions/core, GitHub's own implementation of them (escaping, heredoc delimiters, file
// commands). Outside Actions (a laptop) an unset $GITHUB_STEP_SUMMARY drops the summary, and
// outputs fall back to @actions/core's stdout form.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as core from '@actions/core';

/** Sets every step output ($GITHUB_OUTPUT). */
export function setOutputs(outputs) {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, String(value));
}

/** Appends Markdown to the job summary when the runner gives one ($GITHUB_STEP_SUMMARY). */
export async function appendSummary(markdown) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown.endsWith('\n') ? markdown : `${markdown}\n`).write();
}

/**
 * An annotation on the run (level: error | warning | notice).
 * @param {'error' | 'warning' | 'notice'} level
 * @param {string} message
 * @param {import('@actions/core').AnnotationProperties} [props]
 */
export function annotate(level, message, props = {}) {
  core[level](message, props);
}

/** A collapsible group in the step log around `fn`'s output. */
export function inGroup(name, fn) {
  core.startGroup(name);
  try {
    return fn();
  } finally {
    core.endGroup();
  }
}

/** A Markdown table cell: pipes escaped, newlines flattened. */
export function mdCell(text) {
  return String(text).replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

/** Whether the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl) {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === metaUrl;
  } catch {
    return false;
  }
}
