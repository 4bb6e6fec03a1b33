import { relative, resolve, sep } from 'node:path';

/**
 * GitHub workflow-command output. Annotations show at most 10 errors per step, so callers print
 * the first few and put the full list in the step summary.
 */

interface AnnotationProps {
  file?: string;
  line?: number;
  title?: string;
}

/** `::error file=…,line=…,title=…::message`, escaped as the runner expects. */
export function errorAnnotation(message: string, props: AnnotationProps): string {
  return annotation('error', message, props);
}

/** `::warning …`: a line that is valid but will not end as the author expects. */
export function warningAnnotation(message: string, props: AnnotationProps): string {
  return annotation('warning', message, props);
}

function annotation(kind: 'error' | 'warning', message: string, props: AnnotationProps): string {
  const parts: string[] = [];
  if (props.file !== undefined) parts.push(`file=${escapeProperty(props.file)}`);
  if (props.line !== undefined) parts.push(`line=${props.line}`);
  if (props.title !== undefined) parts.push(`title=${escapeProperty(props.title)}`);
  return `::${kind}${parts.length > 0 ? ` ${parts.join(',')}` : ''}::${escapeData(message)}\n`;
}

export function noticeAnnotation(message: string): string {
  return `::notice::${escapeData(message)}\n`;
}

function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** Annotation paths are relative to the repository root (GITHUB_WORKSPACE), with forward slashes. */
export function annotationPath(file: string, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const root = env.GITHUB_WORKSPACE ?? cwd;
  const absolute = resolve(cwd, file);
  const rel = relative(root, absolute);
  return (rel.startsWith('..') ? absolute : rel).split(sep).join('/');
}

const flat = (text: string | number) => String(text).replace(/\r?\n/g, ' ');

/**
 * Text from a CSV (or any other outside source) as literal Markdown, safe in a table cell: every
 * character that could open a link, an image, emphasis, code, HTML or a table cell is
 * backslash-escaped and newlines are flattened, so a location named `[x](http://evil)` shows as
 * typed instead of as a link.
 */
export function mdText(text: string | number): string {
  return flat(text).replace(/[\\`*_[\]()<>|~!#{}]/g, '\\$&');
}

/** A code span that nothing in `text` can break out of (fenced by more backticks than it holds), safe in a table cell. */
export function mdCode(text: string | number): string {
  const body = flat(text).replaceAll('|', '\\|');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest === 0 ? `${fence}${body}${fence}` : `${fence} ${body} ${fence}`;
}
