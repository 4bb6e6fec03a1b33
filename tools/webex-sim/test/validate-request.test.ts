import { describe, expect, it } from 'vitest';
import { hasOperation, validateRequest } from '../src/validate-request.js';

const body = (value: unknown) => ({ present: true, value });
const none = { present: false, value: undefined };
const q = (s = '') => new URLSearchParams(s);

describe('request validation (ajv over the generated request schemas)', () => {
  it('accepts a valid request and ignores unknown query parameters and body fields', () => {
    expect(validateRequest('PUT /people/{personId}/features/hoteling', q('orgId=O&extra=1'), body({ enabled: true, extra: 'x' }))).toEqual(
      [],
    );
    expect(hasOperation('GET /telephony/config/people/{personId}/emergencyCallbackNumber')).toBe(true);
    expect(hasOperation('GET /nothing')).toBe(false);
  });

  it('words each problem with its place in the body: required, type, enum, range, array index', () => {
    expect(validateRequest('PUT /people/{personId}/features/hoteling', q(), body({}))).toEqual(['body.enabled: required']);
    expect(validateRequest('PUT /people/{personId}/features/hoteling', q(), body({ enabled: 'yes' }))).toEqual([
      'body.enabled: expected boolean, got string',
    ]);
    expect(validateRequest('PUT /people/{personId}/features/callRecording', q(), body({ record: 'Sometimes' }))).toEqual([
      'body.record: must be one of Always, Never, Always with Pause/Resume, On Demand with User Initiated Start',
    ]);
    expect(
      validateRequest('PUT /people/{personId}/features/callForwarding', q(), body({ callForwarding: { noAnswer: { numberOfRings: 1 } } })),
    ).toEqual(['body.callForwarding.noAnswer.numberOfRings: must be ≥ 2']);
    expect(
      validateRequest(
        'PUT /people/{personId}/features/outgoingPermission',
        q(),
        body({ callingPermissions: [{ callType: 'NATIONAL', action: 'ALLOW', transferEnabled: true }, { callType: 'NATIONAL' }] }),
      ),
    ).toEqual(['body.callingPermissions[1].transferEnabled: required']);
  });

  it('a value of the wrong type reports only that, not its enum or range', () => {
    expect(validateRequest('PUT /telephony/config/people/{personId}/emergencyCallbackNumber', q(), body({ selected: 7 }))).toEqual([
      'body.selected: expected string, got integer',
    ]);
    expect(validateRequest('PUT /people/{personId}/features/hoteling', q(), body([]))).toEqual(['body: expected object, got array']);
  });

  it('reads query strings as the schema type before checking them', () => {
    expect(validateRequest('GET /telephony/config/numbers', q('max=50&available=true'), none)).toEqual([]);
    expect(validateRequest('GET /telephony/config/numbers', q('max=lots&available=maybe'), none)).toEqual([
      'query.max: expected number, got string',
      'query.available: expected boolean, got string',
    ]);
    expect(validateRequest('GET /telephony/config/numbers', q('numberType=BOTH'), none)).toEqual([
      'query.numberType: must be one of NUMBER, EXTENSION',
    ]);
  });

  it('reports a body that is not JSON, and accepts the directory number types the People PUT echoes', () => {
    expect(validateRequest('PUT /people/{personId}/features/hoteling', q(), { present: true, value: undefined, parseError: true })).toEqual(
      ['body: not valid JSON'],
    );
    const person = { displayName: 'Ana', phoneNumbers: [{ type: 'mobile', value: '+34600000000' }] };
    expect(validateRequest('PUT /people/{personId}', q(), body(person))).toEqual([]);
    expect(validateRequest('PUT /people/{personId}', q(), body({ ...person, phoneNumbers: [{ type: 'pager', value: '1' }] }))[0]).toMatch(
      /^body\.phoneNumbers\[0\]\.type: must be one of work, /,
    );
  });
});
