/**
 * Real cities with their province/state, postal-code range, time zone and geographic dialling
 * prefix, so generated locations pass the same checks as real ones. Phone numbers are built in
 * blocks inside each prefix; they are test data, never dialled.
 */
export interface City {
  country: 'ES' | 'US';
  city: string;
  /** Province (ES) or two-letter state (US). */
  state: string;
  /** First digits of the postal code; the rest is filled in. */
  postalPrefix: string;
  timeZone: string;
  language: 'es_es' | 'en_us';
  /** Digits after the country code that start every number of the city (ES 91, US 212). */
  dialPrefix: string;
  /** Three-letter code for external ids (ES-MAD-01). */
  code: string;
  streets: readonly string[];
  /** Neighbourhoods, used to tell several sites of one city apart. */
  areas: readonly string[];
}

export const SPANISH_CITIES: readonly City[] = [
  { country: 'ES', city: 'Madrid', state: 'Madrid', postalPrefix: '280', timeZone: 'Europe/Madrid', language: 'es_es', dialPrefix: '91', code: 'MAD', streets: ['Paseo de la Castellana', 'Calle de Alcalá', 'Gran Vía', 'Calle de Serrano', 'Calle de Orense'], areas: ['Castellana', 'Chamartín', 'Las Tablas', 'Méndez Álvaro', 'Salamanca'] },
  { country: 'ES', city: 'Barcelona', state: 'Barcelona', postalPrefix: '080', timeZone: 'Europe/Madrid', language: 'es_es', dialPrefix: '93', code: 'BCN', streets: ['Avinguda Diagonal', 'Passeig de Gràcia', 'Carrer de Balmes', 'Gran Via de les Corts Catalanes'], areas: ['Diagonal', '22@', 'Eixample', 'Sants'] },
  { country: 'ES', city: 'Sevilla', state: 'Sevilla', postalPrefix: '410', timeZone: 'Europe/Madrid', language: 'es_es', dialPrefix: '954', code: 'SVQ', streets: ['Avenida de la Constitución', 'Calle Sierpes', 'Avenida de la Buhaira'], areas: ['Centro', 'Cartuja', 'Nervión'] },
  { country: 'ES', city: 'Valencia', state: 'Valencia', postalPrefix: '460', timeZone: 'Europe/Madrid', language: 'es_es', dialPrefix: '96', code: 'VLC', streets: ['Calle de Colón', 'Avenida de Aragón', 'Calle de la Paz'], areas: ['Centro', 'Campanar', 'Ruzafa'] },
  { country: 'ES', city: 'Bilbao', state: 'Bizkaia', postalPrefix: '480', timeZone: 'Europe/Madrid', language: 'es_es', dialPrefix: '94', code: 'BIO', streets: ['Gran Vía de Don Diego López de Haro', 'Alameda de Mazarredo'], areas: ['Abando', 'Deusto'] },
  { country: 'ES', city: 'Zaragoza', state: 'Zaragoza', postalPrefix: '500', timeZone: 'Europe/Madrid', language: 'es_es', dialPrefix: '976', code: 'ZAZ', streets: ['Paseo de la Independencia', 'Avenida de César Augusto'], areas: ['Centro', 'Actur'] },
  { country: 'ES', city: 'Málaga', state: 'Málaga', postalPrefix: '290', timeZone: 'Europe/Madrid', language: 'es_es', dialPrefix: '952', code: 'AGP', streets: ['Calle Larios', 'Avenida de Andalucía'], areas: ['Centro', 'PTA'] },
  { country: 'ES', city: 'Las Palmas de Gran Canaria', state: 'Las Palmas', postalPrefix: '350', timeZone: 'Atlantic/Canary', language: 'es_es', dialPrefix: '928', code: 'LPA', streets: ['Calle Triana', 'Avenida de Mesa y López'], areas: ['Triana', 'Guanarteme'] },
];

export const US_CITIES: readonly City[] = [
  { country: 'US', city: 'New York', state: 'NY', postalPrefix: '100', timeZone: 'America/New_York', language: 'en_us', dialPrefix: '212', code: 'NYC', streets: ['5th Ave', 'Madison Ave', 'Broadway', 'W 42nd St', 'Park Ave'], areas: ['Midtown', 'Hudson Yards', 'FiDi', 'Chelsea'] },
  { country: 'US', city: 'Chicago', state: 'IL', postalPrefix: '606', timeZone: 'America/Chicago', language: 'en_us', dialPrefix: '312', code: 'CHI', streets: ['N Michigan Ave', 'W Wacker Dr', 'S LaSalle St'], areas: ['Loop', 'River North', 'West Loop'] },
  { country: 'US', city: 'Dallas', state: 'TX', postalPrefix: '752', timeZone: 'America/Chicago', language: 'en_us', dialPrefix: '214', code: 'DAL', streets: ['Main St', 'N Akard St', 'Ross Ave'], areas: ['Downtown', 'Uptown'] },
  { country: 'US', city: 'Boston', state: 'MA', postalPrefix: '021', timeZone: 'America/New_York', language: 'en_us', dialPrefix: '617', code: 'BOS', streets: ['Boylston St', 'State St', 'Congress St'], areas: ['Back Bay', 'Seaport'] },
  { country: 'US', city: 'Atlanta', state: 'GA', postalPrefix: '303', timeZone: 'America/New_York', language: 'en_us', dialPrefix: '404', code: 'ATL', streets: ['Peachtree St NE', 'Spring St NW'], areas: ['Midtown', 'Buckhead'] },
  { country: 'US', city: 'Miami', state: 'FL', postalPrefix: '331', timeZone: 'America/New_York', language: 'en_us', dialPrefix: '305', code: 'MIA', streets: ['Brickell Ave', 'Biscayne Blvd'], areas: ['Brickell', 'Downtown'] },
  { country: 'US', city: 'Denver', state: 'CO', postalPrefix: '802', timeZone: 'America/Denver', language: 'en_us', dialPrefix: '303', code: 'DEN', streets: ['17th St', 'Larimer St'], areas: ['LoDo', 'Cherry Creek'] },
  { country: 'US', city: 'Phoenix', state: 'AZ', postalPrefix: '850', timeZone: 'America/Phoenix', language: 'en_us', dialPrefix: '602', code: 'PHX', streets: ['N Central Ave', 'E Washington St'], areas: ['Downtown', 'Camelback'] },
  { country: 'US', city: 'Seattle', state: 'WA', postalPrefix: '981', timeZone: 'America/Los_Angeles', language: 'en_us', dialPrefix: '206', code: 'SEA', streets: ['4th Ave', 'Pine St', 'Westlake Ave N'], areas: ['Downtown', 'South Lake Union'] },
  { country: 'US', city: 'San Francisco', state: 'CA', postalPrefix: '941', timeZone: 'America/Los_Angeles', language: 'en_us', dialPrefix: '415', code: 'SFO', streets: ['Market St', 'Mission St', 'California St'], areas: ['SoMa', 'Financial District'] },
];
