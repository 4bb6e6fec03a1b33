/**
 * Which generated module each spec file becomes. A fresh download of webex-openapi-specs names
 * the full calling spec `webex-cloud-calling.json`; the vendored one is a subset. Both map to
 * `calling` so the client code does not care which one was used.
 */
const MODULES: ReadonlyArray<{ pattern: RegExp; module: string }> = [
  { pattern: /^webex-admin\.json$/, module: 'admin' },
  { pattern: /^webex-device\.json$/, module: 'device' },
  { pattern: /^webex-cloud-calling(\.subset)?\.json$/, module: 'calling' },
];

export const REQUIRED_MODULES = ['admin', 'device', 'calling'] as const;

export function moduleForSpec(fileName: string): string | undefined {
  return MODULES.find((m) => m.pattern.test(fileName))?.module;
}
