import { describe, expect, it } from 'vitest';
import { CsvFileError } from '@wbp/csv-contract';
import { FileError, OutputCorruptError } from '@wbp/files';
import { CheckpointCorruptError, ManifestCorruptError, OutDirLockedError } from '@wbp/state';
import { OutDirMismatchError } from '../src/run/out-dir.js';

/**
 * Every error about a file is `{ file, line, kind, detail }` (issue 14): one shape for the
 * annotations, the run log and the exit-status mapping. The messages are the ones the docs and
 * the operator guide quote, so they are pinned here too.
 */
describe('file errors share one shape', () => {
  const holder = { pid: 7, host: 'h', started_at: '2026-01-01T00:00:00.000Z', command: 'wbp run' };
  const cases: [string, FileError<string>, { file: string; line: number | undefined; kind: string; detail: string }, string][] = [
    [
      'CsvFileError',
      new CsvFileError('site.csv', 'missing_columns', 'no email column', 3),
      { file: 'site.csv', line: 3, kind: 'missing_columns', detail: 'no email column' },
      'site.csv:3: no email column',
    ],
    [
      'CsvFileError (whole file)',
      new CsvFileError('site.csv', 'empty_file', 'the file is empty'),
      { file: 'site.csv', line: undefined, kind: 'empty_file', detail: 'the file is empty' },
      'site.csv: the file is empty',
    ],
    [
      'OutputCorruptError',
      new OutputCorruptError('out/results.csv', 9, 'column_count', 'record has 3 columns, expected 11'),
      { file: 'out/results.csv', line: 9, kind: 'column_count', detail: 'record has 3 columns, expected 11' },
      'out/results.csv:9: record has 3 columns, expected 11 (column_count); refusing to use a corrupt output file, it is never repaired automatically',
    ],
    [
      'CheckpointCorruptError',
      new CheckpointCorruptError('out/checkpoint.json', 'the file is empty'),
      { file: 'out/checkpoint.json', line: undefined, kind: 'malformed_checkpoint', detail: 'the file is empty' },
      'checkpoint out/checkpoint.json is corrupt: the file is empty',
    ],
    [
      'ManifestCorruptError',
      new ManifestCorruptError('out/manifest.json', 'the file is empty'),
      { file: 'out/manifest.json', line: undefined, kind: 'malformed_manifest', detail: 'the file is empty' },
      'out/manifest.json is corrupt: the file is empty; it says which CSV the outputs belong to, so nothing can be resumed without it — restore it or start a new output folder',
    ],
    [
      'OutDirLockedError',
      new OutDirLockedError('out/.wbp.lock', 'held', 'held by pid 7', holder),
      { file: 'out/.wbp.lock', line: undefined, kind: 'held', detail: 'held by pid 7' },
      'out/.wbp.lock: held by pid 7',
    ],
    [
      'OutDirMismatchError',
      new OutDirMismatchError('out/manifest.json', 'input_hash', 'another CSV'),
      { file: 'out/manifest.json', line: undefined, kind: 'input_hash', detail: 'another CSV' },
      'out/manifest.json: another CSV; outputs left untouched',
    ],
  ];

  it.each(cases)('%s', (name, err, fields, message) => {
    expect(err).toBeInstanceOf(FileError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name.replace(/ \(.*\)$/, ''));
    expect({ file: err.file, line: err.line, kind: err.kind, detail: err.detail }).toEqual(fields);
    expect(err.message).toBe(message);
    expect(JSON.parse(JSON.stringify(err))).toEqual(
      expect.objectContaining({ name: err.name, message, ...JSON.parse(JSON.stringify(fields)) }),
    );
  });

  it('OutDirLockedError keeps who holds the lock, in its JSON too', () => {
    const err = new OutDirLockedError('out/.wbp.lock', 'held', 'held by pid 7', holder);
    expect(err.holder).toEqual(holder);
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ holder });
  });
});
