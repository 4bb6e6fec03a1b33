import { readFileSync } from 'node:fs';

/** This package's version, from its package.json: one folder up from src/ and from the bundle in dist/ alike. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
