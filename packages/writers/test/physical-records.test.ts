import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, physicalRecords } from '@wbp/writers';

async function lines(text: string, chunkSize = 1 << 16, skipEmptyLines = true): Promise<Array<[number, string]>> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: Array<[number, string]> = [];
  for await (const r of physicalRecords(Readable.from(chunks), { skipEmptyLines })) out.push([r.line, r.cells.join('|')]);
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
  it('places a bad closing quote on its line', async () => {
    const err = await lines('a,b\n1,2\n3,"bad"x,4\n5,6\n').catch((e: unknown) => e);
    expect(err).toMatchObject({ line: 3, unterminated: false, code: 'CSV_INVALID_CLOSING_QUOTE' });
  });
});
