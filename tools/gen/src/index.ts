export {
  generateSite,
  INPUT_COLUMNS,
  PEOPLE_COLUMNS,
  NUMBERS_COLUMNS,
  type GenerateOptions,
  type GeneratedSite,
  type InputColumn,
  type InputRow,
  type PersonSeed,
  type NumberSeed,
} from './generate.js';
export { writeSite } from './write.js';
export { Prng } from './prng.js';
export { main } from './cli.js';
