// The benchmarks' command-line options, given as `--name value`.

/** The value after `name` on the command line, or `def`. */
export function option(name: string, def: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1]! : def;
}

export const numberOption = (name: string, def: string): number => Number(option(name, def));
