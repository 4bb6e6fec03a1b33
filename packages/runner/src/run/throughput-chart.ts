import { existsSync } from 'node:fs';
import { lineAttempt, readCsvRecords, RESULTS_COLUMNS } from '@wbp/files';

/**
 * Rows finished per time bucket, from results.csv timestamps; with `attempt`, of that attempt's
 * lines only (a re-run days later would otherwise squeeze its own rows into one bucket).
 */
export async function throughputSeries(
  resultsCsv: string,
  buckets = 30,
  attempt?: number,
): Promise<{ bucketSeconds: number; rowsPerSecond: number[] }> {
  const times: number[] = [];
  if (existsSync(resultsCsv)) {
    for await (const r of readCsvRecords(resultsCsv, RESULTS_COLUMNS))
      if (attempt === undefined || lineAttempt(r) === attempt) times.push(Date.parse(r.timestamp));
  }
  if (times.length < 2) return { bucketSeconds: 0, rowsPerSecond: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const t of times) {
    min = Math.min(min, t);
    max = Math.max(max, t);
  }
  const bucketMs = Math.max(1000, Math.ceil((max - min + 1) / buckets / 1000) * 1000);
  const counts = new Array<number>(Math.floor((max - min) / bucketMs) + 1).fill(0);
  for (const t of times) counts[Math.floor((t - min) / bucketMs)]! += 1;
  return { bucketSeconds: bucketMs / 1000, rowsPerSecond: counts.map((c) => Math.round((c / (bucketMs / 1000)) * 10) / 10) };
}

/** A Mermaid line chart (GitHub renders it in job summaries and Markdown files). */
export function throughputMermaid(series: { bucketSeconds: number; rowsPerSecond: number[] }, title = 'Rows finished per second'): string {
  if (series.rowsPerSecond.length === 0) return '';
  const labels = series.rowsPerSecond.map((_, i) => `"${Math.round(i * series.bucketSeconds)}s"`);
  const top = Math.ceil(Math.max(...series.rowsPerSecond, 1) * 1.1);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "rows/s" 0 --> ${top}`,
    `  line [${series.rowsPerSecond.join(', ')}]`,
    '```',
  ].join('\n');
}
