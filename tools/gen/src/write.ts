import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { INPUT_COLUMNS, NUMBERS_COLUMNS, PEOPLE_COLUMNS, type GeneratedSite } from './generate.js';

function csv<C extends string>(columns: readonly C[], rows: ReadonlyArray<Record<C, string>>): string {
  return stringify(
    rows.map((row) => columns.map((column) => row[column])),
    { header: true, columns: [...columns], record_delimiter: 'unix' },
  );
}

/** Writes DIR/input.csv, DIR/people.csv and DIR/numbers.csv. */
export async function writeSite(dir: string, site: GeneratedSite): Promise<{ input: string; people: string; numbers: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { input: join(dir, 'input.csv'), people: join(dir, 'people.csv'), numbers: join(dir, 'numbers.csv') };
  await writeFile(paths.input, csv(INPUT_COLUMNS, site.input));
  await writeFile(paths.people, csv(PEOPLE_COLUMNS, site.people));
  await writeFile(paths.numbers, csv(NUMBERS_COLUMNS, site.numbers));
  return paths;
}
