import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, physicalRecords, type PhysicalRecordsOptions } from '@wbp/files';

async function lines(text: string, chunkSize = 1 << 16, options: PhysicalRecordsOptions = {}): Promise<Array<[number, string]>> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: Array<[number, string]> = [];
  for await (const r of physicalRecords(Readable.from(chunks), { skipEmptyLines: true, ...options })) out.push([r.line, r.cells.join('|')]);
  return out;
}

describe('physicalRecords', () => {
  const lf = 'a,b\n1,"x\ny"\n\n3,4\n5,6';
  const crlf = '\ufeffa,b\r\n1,"x\r\ny"\r\n\r\n3,4\r\n5,6\r\n\r\n';
  const expected = [
    [1, 'a|b'],
    [2, '1|x\ny'],
    [5, '3|4'],
    [6, '5|6'],
  ];

  it('reports the physical start line with LF, quoted newlines and blank lines', async () => {
    expect(await lines(lf)).toEqual(expected);
  });
  it('counts a CRLF inside a quoted field as one line (csv-parse counts two)', async () => {
    expect((await lines(crlf)).map(([line]) => line)).toEqual([1, 2, 5, 6]);
  });
  it('is independent of how the bytes are chunked', async () => {
    for (const size of [1, 2, 3, 7]) {
      expect(await lines(lf, size)).toEqual(expected);
      expect((await lines(crlf, size)).map(([line]) => line)).toEqual([1, 2, 5, 6]);
    }
  });
  it('keeps counting correctly past the point where old offsets are dropped', async () => {
    const body = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? `${i},"a\nb"` : `${i},z`)).join('\n');
    const got = await lines(`h1,h2\n${body}\n`, 4096);
    let line = 2;
    for (let i = 0; i < 10_000; i++) {
      expect(got[i + 1]?.[0]).toBe(line);
      line += i % 3 === 0 ? 2 : 1;
    }
  });
  it('throws CsvSyntaxError with the start line of an unclosed quote', async () => {
    const err = await lines('a,b\n1,2\n3,"open\n4,5\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvSyntaxError);
    expect(err).toMatchObject({ line: 3, unterminated: true });
    const crlf = await lines('a,b\r\n1,"x\r\ny"\r\n\r\n3,"open\r\n4,5\r\n').catch((e: unknown) => e);
    expect(crlf).toMatchObject({ line: 5, unterminated: true });
  });
  it('ends a record at every CRLF, LF and lone CR outside quotes, whatever the first line used', async () => {
    const mixed = 'a,b\r\n1,2\n3,4\r5,"x\ry\r\nz"\r\n\r\r\n6,7\n';
    const expected = [
      [1, 'a|b'],
      [2, '1|2'],
      [3, '3|4'],
      [4, '5|x\ry\r\nz'],
      [9, '6|7'],
    ];
    for (const size of [1, 2, 3, 5, 1 << 16]) expect(await lines(mixed, size)).toEqual(expected);
    expect(await lines('a,b\n1,2\r\n3,4\n')).toEqual([
      [1, 'a|b'],
      [2, '1|2'],
      [3, '3|4'],
    ]);
    // a CR that ends one chunk and the LF that starts the next are one line break
    expect(await lines('a\r\nb\r\nc\r', 2)).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });
  it('names the start line of a record longer than maxRecordSize, after blank lines too', async () => {
    const text = `a,b\n1,2\n\n\r\n3,"open\n${'x,y\n'.repeat(5000)}`;
    for (const size of [7, 1 << 16]) {
      const err = await lines(text, size, { maxRecordSize: 1024 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CsvSyntaxError);
      expect(err).toMatchObject({ line: 5, code: 'CSV_MAX_RECORD_SIZE' });
    }
  });
  it('places a bad closing quote on its line', async () => {
    const err = await lines('a,b\n1,2\n3,"bad"x,4\n5,6\n').catch((e: unknown) => e);
    expect(err).toMatchObject({ line: 3, unterminated: false, code: 'CSV_INVALID_CLOSING_QUOTE' });
  });
});
