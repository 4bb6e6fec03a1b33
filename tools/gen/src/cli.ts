import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateSite } from './generate.js';
import { writeSite } from './write.js';

const USAGE = `usage: wbp-gen --rows N --seed S --out DIR [--domain example.com] [--help] [--version]

Writes DIR/input.csv (a site CSV in the input_schema.md contract: Spanish and US locations,
users, extension assignments, ~1% deliberately invalid rows), DIR/people.csv and
DIR/numbers.csv (the simulator's seeds). The same --rows and --seed always give the same files.
Exit statuses: 0 written (or --help, --version); 2 bad arguments.`;

/** Runs wbp-gen and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        rows: { type: 'string' },
        seed: { type: 'string', default: '1' },
        out: { type: 'string' },
        domain: { type: 'string', default: 'example.com' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`wbp-gen: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help || values.version) {
    // The version from the package.json one folder up (of src/, as of a dist/ build).
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${values.help ? USAGE : version}\n`);
    return 0;
  }
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  if (!values.out || !Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(seed)) {
    process.stderr.write(`wbp-gen: --rows (a positive integer), --seed (an integer) and --out are required\n\n${USAGE}\n`);
    return 2;
  }

  const started = performance.now();
  const site = generateSite({ rows, seed, domain: values.domain });
  const paths = await writeSite(values.out, site);
  const ms = Math.round(performance.now() - started);
  const s = site.stats;
  process.stdout.write(
    [
      `wbp-gen: ${s.rows} rows (seed ${seed}) in ${ms} ms`,
      `  ${paths.input}: ${s.locations} locations, ${s.users} users, ${s.assignments} extension assignments`,
      `    (${s.withPhoneNumber} with an E.164 number, ${s.withSettings} users with calling settings, ${s.invalid} invalid rows on purpose)`,
      `  ${paths.people}: ${site.people.length} people (${s.absentFromDirectory} users left out of the directory, ${s.extensionsTaken} extensions already taken)`,
      `  ${paths.numbers}: ${s.numbers} numbers`,
      '',
    ].join('\n'),
  );
  return 0;
}
