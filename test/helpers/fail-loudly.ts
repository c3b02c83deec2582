/**
 * uvu swallows an exception thrown by a `before` hook (its runner `return`s from a `finally`), so
 * a suite whose setup failed reports "0 of N passed" and the process exits 0: a broken harness
 * would pass CI. Every `before` hook goes through `failLoudly`, which prints the cause and makes
 * the process exit non-zero whatever uvu decides.
 */
export function failLoudly<A extends unknown[]>(suite: string, hook: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await hook(...args);
    } catch (error) {
      process.stderr.write(`\n  SETUP FAILED for ${suite}; none of its tests ran:\n  ${error instanceof Error ? error.stack ?? error.message : String(error)}\n\n`);
      // uvu sets process.exitCode = 0 when it finishes; an exit listener runs after that.
      process.on('exit', () => {
        process.exitCode = 1;
      });
      throw error;
    }
  };
}
