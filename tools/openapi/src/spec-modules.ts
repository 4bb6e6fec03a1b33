/**
 * Which generated module each spec file feeds, and with what precedence. A module may be built from
 * several files: `calling` takes every operation of the official Cloud Calling spec (the whole file of
 * a fresh webex-openapi-specs download, `webex-cloud-calling.json`, or its per-tag parts under
 * `cloud-calling/`) and, from the hand-written subset, only the operations the official files lack.
 * Earlier patterns win (merge-specs.ts); the client code does not care which files were present.
 */
const MODULES: ReadonlyArray<{ module: string; sources: readonly RegExp[] }> = [
  { module: 'admin', sources: [/^webex-admin\.json$/] },
  { module: 'device', sources: [/^webex-device\.json$/] },
  {
    module: 'calling',
    sources: [/^webex-cloud-calling\.json$/, /^cloud-calling\/webex-cloud-calling\.[^/]+\.json$/, /^webex-cloud-calling\.subset\.json$/],
  },
];

export const REQUIRED_MODULES = ['admin', 'device', 'calling'] as const;

export interface SpecSource {
  module: string;
  /** Lower wins when two files describe the same operation. */
  precedence: number;
}

/** The module a spec file (path relative to the specs folder, `/`-separated) feeds, or undefined. */
export function moduleForSpec(fileName: string): SpecSource | undefined {
  for (const { module, sources } of MODULES) {
    const precedence = sources.findIndex((p) => p.test(fileName));
    if (precedence >= 0) return { module, precedence };
  }
  return undefined;
}
