import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SETTINGS, changeOf } from '../src/steps/settings-registry.js';
import { HELD } from './setting-values.js';

/**
 * The PUT bodies the registry builds, validated with ajv against the request schemas of the
 * official Cloud Calling spec (as tools/openapi resolves them for wbp-sim), made strict: a body
 * may carry no field its schema does not name (a GET-only field sent back would fail here).
 */
type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: boolean };
const SPECS = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', '..', 'tools', 'webex-sim', 'src', 'generated', 'request-schemas.json'), 'utf8'),
) as Record<string, { body?: { schema: Schema } }>;

function strict(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, strict(v)]));
    out.additionalProperties = false;
  }
  if (schema.items) out.items = strict(schema.items);
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validatorFor = (endpoint: string) => {
  const schema = SPECS[endpoint]?.body?.schema;
  if (!schema) throw new Error(`no request schema for ${endpoint} in the generated spec`);
  return ajv.compile(strict(schema));
};

/** Every value each column can take after csv-contract (or a sample of the open ones). */
const VALUES: Record<string, string[]> = {
  calling_settings_call_waiting: ['true', 'false'],
  calling_settings_do_not_disturb: ['true', 'false'],
  calling_settings_voicemail: ['true', 'false'],
  calling_settings_forward_always: ['1001', '+34910000009'],
  calling_settings_caller_id: ['DIRECT_LINE', 'LOCATION_NUMBER'],
  calling_settings_forward_busy: ['1002', '+34910000009', 'off'],
  calling_settings_forward_no_answer: ['1003', '+12125550100', 'off'],
  calling_settings_forward_no_answer_rings: ['2', '20'],
  calling_settings_forward_business_continuity: ['1004', '+442071234567', 'off'],
  calling_settings_voicemail_send_busy: ['true', 'false'],
  calling_settings_voicemail_send_unanswered: ['true', 'false'],
  calling_settings_voicemail_rings: ['2', '20'],
  calling_settings_voicemail_email_copy: ['ana@example.com', 'off'],
  calling_settings_outgoing_national: ['ALLOW', 'BLOCK'],
  calling_settings_outgoing_international: ['ALLOW', 'BLOCK'],
  calling_settings_outgoing_premium: ['ALLOW', 'BLOCK'],
  calling_settings_call_recording: ['off', 'always', 'always_with_pause', 'on_demand'],
  calling_settings_ecbn: ['DIRECT_LINE', 'LOCATION_ECBN'],
  calling_settings_hoteling: ['true', 'false'],
  calling_settings_barge_in: ['true', 'false'],
};

describe('the PUT bodies against the official spec (ajv, no field outside the schema)', () => {
  for (const entry of SETTINGS) {
    describe(`${entry.endpoint}`, () => {
      const validate = validatorFor(entry.endpoint);
      for (const rule of entry.columns) {
        it(`${rule.column}: every value, from the value read, from nothing and from a fresh person's defaults`, () => {
          for (const value of VALUES[rule.column]!) {
            const change = changeOf(entry, { [rule.column]: value })!;
            for (const current of [HELD[entry.setting] ?? {}, {}, entry.fresh ?? {}]) {
              const body = change.build(current);
              expect(validate(body), `${value} from ${JSON.stringify(current)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
            }
          }
        });
      }
      it('every column of it at once', () => {
        const all = Object.fromEntries(entry.columns.map((rule) => [rule.column, VALUES[rule.column]![0]!]));
        const body = changeOf(entry, all)!.build(HELD[entry.setting] ?? {});
        expect(validate(body), ajv.errorsText(validate.errors)).toBe(true);
      });
    });
  }

  it('the strict check does catch a field the schema does not name', () => {
    const validate = validatorFor('PUT /people/{personId}/features/voicemail');
    expect(
      validate({
        notifications: { enabled: false },
        transferToNumber: { enabled: false },
        sendUnansweredCalls: { systemMaxNumberOfRings: 15 },
      }),
    ).toBe(false);
    expect(validate({ transferToNumber: { enabled: false } })).toBe(false); // `notifications` is required
  });
});
