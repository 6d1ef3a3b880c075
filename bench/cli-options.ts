// The command-line options of the benchmarks and the fault suite: `--name` flags, `--name=value`
// strings and `--name=<number>` values checked against their range (a bad value stops the run
// before anything starts).
const args = process.argv.slice(2);

export function flag(name: string): boolean {
  return args.includes(`--${name}`);
}

export function stringOption(name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** `--name=<number>` within (0, max] — or [min, max] when `min` is given — else `fallback`. */
export function numberOption(name: string, fallback: number, max: number, min?: number): number {
  const raw = stringOption(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const inRange = min === undefined ? value > 0 && value <= max : value >= min && value <= max;
  if (!Number.isFinite(value) || !inRange) throw new Error(`--${name} must be a number in ${min === undefined ? `(0, ${max}]` : `[${min}, ${max}]`}`);
  return value;
}

/** The arguments as given, for scripts that refuse unknown ones. */
export function givenArguments(): readonly string[] {
  return args;
}
