import { describe, expect, it } from 'vitest';
import {
  normaliseBoolean,
  normaliseCallerId,
  normaliseCountry,
  normaliseEmail,
  normaliseExtension,
  normaliseForwardDestination,
  normaliseLanguage,
  normalisePhoneNumber,
  normalisePostalCode,
  normaliseTimeZone,
  validateRecord,
  type Normalised,
} from '@wbp/csv-contract';

const value = (result: Normalised): string | undefined => (result.ok ? result.value : undefined);
const rule = (result: Normalised): string | undefined => (result.ok ? undefined : result.rule);

describe('booleans', () => {
  it.each(['true', 'TRUE', 'True', '1', 'yes', 'YES', 'sí', 'SÍ', 'si', 'Si', 'verdadero', 'VERDADERO'])('%s → true', (input) => {
    expect(value(normaliseBoolean(input))).toBe('true');
  });
  it.each(['false', 'FALSE', '0', 'no', 'NO', 'No', 'falso', 'FALSO'])('%s → false', (input) => {
    expect(value(normaliseBoolean(input))).toBe('false');
  });
  it.each(['y', 'n', 'on', 'off', '2', 'maybe', 'tru'])('%s is refused', (input) => {
    expect(rule(normaliseBoolean(input))).toBe('boolean');
  });
});

describe('phone numbers → E.164', () => {
  it.each([
    ['+34910000001', '+34910000001'],
    ['+34 910 00 00 01', '+34910000001'],
    ['+34.910.000.001', '+34910000001'],
    ['+34-910-000-001', '+34910000001'],
    ['+34 (91) 000-00-01', '+34910000001'],
    ['0034910000001', '+34910000001'],
    ['00 1 212 555 0100', '+12125550100'],
    ['+1 (212) 555-0100', '+12125550100'],
    ['+34 612 345 678', '+34612345678'],
    ['+44 20 7183 8750', '+442071838750'],
  ])('%s → %s', (input, expected) => {
    expect(value(normalisePhoneNumber(input))).toBe(expected);
  });
  it.each([
    ['910000001', /no leading \+/],
    ['2125550100', /no leading \+/],
    ['3.4910E+10', /scientific notation/],
    ['+0034910000001', /not an E\.164/],
    ['+3491', /not an E\.164/],
    ['+349100000011234567', /not an E\.164/],
    ['+34 91x 000 001', /not an E\.164/],
    ['ext 1001', /not an E\.164/],
  ])('%s is refused', (input, message) => {
    const result = normalisePhoneNumber(input);
    expect(rule(result)).toBe('phone_e164');
    expect(result.ok ? '' : result.message).toMatch(message);
  });
  // E.164-shaped, but not a number of its country: libphonenumber's national lengths and ranges.
  it.each([
    ['+34 910 0000', /"\+34 910 0000" is too short for a number in Spain \(\+34\): 7 digits after \+34; check for a missing digit/],
    ['+34 91 000 00 011', /too long for a number in Spain \(\+34\): 10 digits after \+34/],
    ['+1 212 555 010', /too short for a number in the \+1 numbering plan: 9 digits after \+1/],
    ['+44 20 7183 87', /has a length no number in the \+44 numbering plan has: 8 digits after \+44/],
    ['+34 100 000 000', /not a valid number in Spain \(\+34\): no number range there starts like this/],
    ['+999 1234 5678', /does not start with a country calling code in use/],
  ])('%s is refused for its country', (input, message) => {
    const result = normalisePhoneNumber(input);
    expect(rule(result)).toBe('phone_e164');
    expect(result.ok ? '' : result.message).toMatch(message);
  });
});

describe('extensions', () => {
  it.each(['10', '1001', '0123', '12345678'])('%s is kept', (input) => {
    expect(value(normaliseExtension(input))).toBe(input);
  });
  it.each(['1', '123456789', '10a', '+1001', '10 01', '-100'])('%s is refused', (input) => {
    expect(rule(normaliseExtension(input))).toBe('extension_format');
  });
  it.each(['911', '112'])('%s (emergency) is refused', (input) => {
    expect(rule(normaliseExtension(input))).toBe('extension_reserved');
  });
});

describe('other fields', () => {
  it('lower-cases e-mail addresses and accepts apostrophes and plus tags', () => {
    expect(value(normaliseEmail('Ana.Garcia@Example.COM'))).toBe('ana.garcia@example.com');
    expect(value(normaliseEmail("O'Brien+calling@corp.example.us"))).toBe("o'brien+calling@corp.example.us");
    for (const bad of ['ana', 'ana@', '@example.com', 'ana@example', 'ana..g@example.com', 'ana garcia@example.com', 'ana@exa_mple.com']) {
      expect(rule(normaliseEmail(bad))).toBe('email_format');
    }
  });
  it('upper-cases ISO country codes and refuses names', () => {
    expect(value(normaliseCountry('es'))).toBe('ES');
    expect(value(normaliseCountry('Us'))).toBe('US');
    expect(rule(normaliseCountry('Spain'))).toBe('country');
    expect(rule(normaliseCountry('XX'))).toBe('country');
    expect(rule(normaliseCountry('UK'))).toBe('country'); // the ISO code is GB
  });
  it('lower-cases language codes and accepts a hyphen', () => {
    expect(value(normaliseLanguage('ES_ES'))).toBe('es_es');
    expect(value(normaliseLanguage('en-US'))).toBe('en_us');
    for (const bad of ['es', 'spanish', 'es_esp', 'e_s']) expect(rule(normaliseLanguage(bad))).toBe('language');
  });
  it('accepts IANA time zones and fixes their letter case', () => {
    expect(value(normaliseTimeZone('europe/madrid'))).toBe('Europe/Madrid');
    expect(value(normaliseTimeZone('America/New_York'))).toBe('America/New_York');
    expect(value(normaliseTimeZone('America/Argentina/Buenos_Aires'))).toBe('America/Argentina/Buenos_Aires');
    expect(value(normaliseTimeZone('UTC'))).toBe('UTC');
    for (const bad of ['CET', 'EST5EDT', 'GMT+1', 'Europe/Atlantis', 'Madrid']) expect(rule(normaliseTimeZone(bad))).toBe('time_zone');
  });
  it('maps caller id choices to the Webex enum', () => {
    expect(value(normaliseCallerId('direct_line'))).toBe('DIRECT_LINE');
    expect(value(normaliseCallerId('Location Number'))).toBe('LOCATION_NUMBER');
    expect(value(normaliseCallerId('direct-line'))).toBe('DIRECT_LINE');
    expect(rule(normaliseCallerId('custom'))).toBe('caller_id');
  });
  it('forward destinations are extensions or E.164 numbers', () => {
    expect(value(normaliseForwardDestination('2001'))).toBe('2001');
    expect(value(normaliseForwardDestination('+34 91 555 12 34'))).toBe('+34915551234');
    expect(rule(normaliseForwardDestination('reception'))).toBe('forward_destination');
    expect(rule(normaliseForwardDestination('1'))).toBe('forward_destination');
  });
  it('checks Spanish and US postal codes by shape and hints at lost leading zeros', () => {
    expect(value(normalisePostalCode('08001', 'ES'))).toBe('08001');
    expect(value(normalisePostalCode('02108-1234', 'US'))).toBe('02108-1234');
    expect(value(normalisePostalCode('SW1A 1AA', 'GB'))).toBe('SW1A 1AA');
    const lost = normalisePostalCode('8001', 'ES');
    expect(rule(lost)).toBe('postal_code');
    expect(lost.ok ? '' : lost.message).toMatch(/leading zero/);
    expect(rule(normalisePostalCode('2108', 'US'))).toBe('postal_code');
    expect(rule(normalisePostalCode('#1', 'FR'))).toBe('postal_code');
  });
});

describe('validateRecord cell handling', () => {
  it('trims, NFC-normalises and treats whitespace-only as empty', () => {
    const decomposed = 'Jose\u0301'; // "José" typed on a Mac
    const verdict = validateRecord({
      entity_type: ' USER ',
      email: '  ana@example.com\u00a0',
      location_key: ` ${decomposed} `,
      calling_settings_voicemail: '   ',
    });
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.row.entity_type).toBe('user');
    expect(verdict.row.email).toBe('ana@example.com');
    expect(verdict.row.location_key).toBe('Jos\u00e9');
    expect(verdict.row.calling_settings_voicemail).toBe('');
    expect(verdict.row.calling_enabled).toBe('true');
  });
  it('derives entity keys (§6.1)', () => {
    const at = (record: Record<string, string>) => {
      const verdict = validateRecord(record);
      return verdict.ok ? verdict.row.entity_key : verdict.issues;
    };
    const site = {
      entity_type: 'location',
      location_name: 'Madrid',
      time_zone: 'Europe/Madrid',
      preferred_language: 'es_es',
      announcement_language: 'es_es',
      address_line1: 'x',
      address_city: 'Madrid',
      address_state: 'Madrid',
      address_postal_code: '28001',
      address_country: 'ES',
    };
    expect(at(site)).toBe('Madrid');
    expect(at({ ...site, location_external_id: 'MAD-1' })).toBe('MAD-1');
    expect(at({ entity_type: 'user', email: 'A@B.COM', location_key: 'MAD-1' })).toBe('a@b.com');
    expect(
      at({ entity_type: 'extension_assignment', email: 'a@b.com', location_key: 'MAD-1', extension: '100', phone_number: '+34910000001' }),
    ).toBe('MAD-1:100');
    expect(at({ entity_type: 'extension_assignment', email: 'a@b.com', location_key: 'MAD-1', phone_number: '0034910000001' })).toBe(
      'MAD-1:+34910000001',
    );
    // an explicit key that matches a derivation (either form) is accepted and written in canonical form
    expect(
      at({
        entity_type: 'extension_assignment',
        entity_key: 'mad-1:+34910000001',
        email: 'a@b.com',
        location_key: 'MAD-1',
        extension: '100',
        phone_number: '+34910000001',
      }),
    ).toBe('MAD-1:100');
    expect(at({ entity_type: 'user', entity_key: 'A@b.com', email: 'a@b.com', location_key: 'MAD-1' })).toBe('a@b.com');
  });
  it('uses explicit defaults only for empty location cells', () => {
    const defaults = { preferred_language: 'es_es', announcement_language: 'es_es', address_country: 'ES', time_zone: 'Europe/Madrid' };
    const site = {
      entity_type: 'location',
      location_name: 'Madrid',
      address_line1: 'x',
      address_city: 'Madrid',
      address_state: 'Madrid',
      address_postal_code: '28001',
    };
    const verdict = validateRecord({ ...site, time_zone: 'Atlantic/Canary' }, defaults);
    expect(verdict.ok && verdict.row.time_zone).toBe('Atlantic/Canary');
    expect(verdict.ok && verdict.row.address_country).toBe('ES');
    expect(validateRecord(site).ok).toBe(false);
  });
});
