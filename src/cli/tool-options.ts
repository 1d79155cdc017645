/**
 * Small helpers shared by the `info`, `timeit` and `scale` commands: a usage error that the
 * command prints with its name and exits 2 on, and strict parsing of whole-number flags.
 */

/** Wrong command-line input: printed as "multicore <command>: <message>", exit code 2. */
export class UsageError extends Error {}

/** Parses a whole-number flag such as `-n 100`; anything else is a UsageError naming the flag. */
export function integerOption(value: string | undefined, flag: string, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < minimum || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} must be a whole number >= ${minimum}, got '${value}'.`);
  }
  return Number(value);
}

/**
 * Runs a command body: usage errors and parseArgs errors print the message and a hint, exit 2;
 * other errors print their message, exit 1.
 */
export async function runCommand(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const usage = error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    if (usage) {
      console.error(`multicore ${name}: ${(error as Error).message}\nRun 'multicore ${name} --help' for usage.`);
      return 2;
    }
    console.error(`multicore ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
