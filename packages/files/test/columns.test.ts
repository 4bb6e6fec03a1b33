import { describe, expect, it } from 'vitest';
import { PENDING_COLUMNS, REJECTED_COLUMNS, RESULTS_COLUMNS } from '@wbp/files';

// Copied from the term sheet §12.1–12.3, in order: the outputs must start with exactly these
// (they are minimum columns); ours come after them.
describe('output columns', () => {
  it('rejected_rows.csv (§12.1)', () => {
    expect(REJECTED_COLUMNS.join(',')).toBe('timestamp,row_id,entity_type,entity_key,reason_code,reason_message,raw_row_minified');
  });
  it('results.csv (§12.2)', () => {
    expect(RESULTS_COLUMNS.join(',')).toBe(
      'timestamp,batch_id,row_id,phase,entity_type,entity_key,step,status,http_status,message,remote_id,effect,attempt',
    );
  });
  it('pending_rows.csv (§12.3)', () => {
    expect(PENDING_COLUMNS.join(',')).toBe(
      'timestamp,batch_id,row_id,phase,entity_type,entity_key,step,reason_code,reason_message,http_status,raw_row_minified,attempt',
    );
  });
});
