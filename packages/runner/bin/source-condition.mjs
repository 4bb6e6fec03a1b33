// Module resolve hook: adds the `@wbp/source` export condition, so workspace packages resolve to
// their TypeScript sources (see bin/wbp.mjs).
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@wbp/source') ? context.conditions : [...context.conditions, '@wbp/source'];
  return nextResolve(specifier, { ...context, conditions });
}
