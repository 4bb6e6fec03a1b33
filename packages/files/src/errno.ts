/** Narrow for Node's system errors, which carry a string `code` such as 'ENOENT'. */
export function hasErrno(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}
