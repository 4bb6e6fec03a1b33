/** Webex ids are opaque base64 of `ciscospark://us/<TYPE>/<uuid>`; deterministic here for reproducible runs. */
export function webexId(type: 'PEOPLE' | 'LOCATION' | 'LICENSE' | 'ORGANIZATION', n: number): string {
  const uuid = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  return Buffer.from(`ciscospark://us/${type}/${uuid}`).toString('base64').replace(/=+$/, '');
}
