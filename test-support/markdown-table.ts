/** The rows of the first Markdown table after `heading` in `text` (header and rule skipped), as trimmed cells; undefined when the heading is missing. */
export function markdownTableAfter(text: string, heading: string): string[][] | undefined {
  const start = text.indexOf(heading);
  if (start < 0) return undefined;
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}
