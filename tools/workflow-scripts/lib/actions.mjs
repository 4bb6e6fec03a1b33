// The few GitHub Actions runner conventions the workflow scripts use: step outputs
// ($GITHUB_OUTPUT), the job summary ($GITHUB_STEP_SUMMARY) and workflow-command annotations.
// Outside Actions (tests, a laptop) the files are whatever the environment points at; when a
// variable is unset, outputs go to stdout and the summary is dropped.
import { appendFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';

/** One `name=value` record in $GITHUB_OUTPUT format; multi-line values use a random delimiter. */
export function formatOutput(name, value) {
  const text = String(value);
  if (!/[\r\n]/.test(text)) return `${name}=${text}\n`;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  return `${name}<<${delimiter}\n${text}\n${delimiter}\n`;
}

/** Appends every output to $GITHUB_OUTPUT (or prints them when it is not set). */
export function setOutputs(outputs, env, stdout) {
  const text = Object.entries(outputs)
    .map(([name, value]) => formatOutput(name, value))
    .join('');
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, text);
  else stdout(text);
}

/** Appends Markdown to the job summary when $GITHUB_STEP_SUMMARY is set. */
export function appendSummary(markdown, env) {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}

function escapeData(text) {
  return String(text).replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(text) {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** `::error title=…::message` (level: error | warning | notice), escaped as the runner expects. */
export function annotation(level, message, props = {}) {
  const parts = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v)}`);
  return `::${level}${parts.length > 0 ? ` ${parts.join(',')}` : ''}::${escapeData(message)}\n`;
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
