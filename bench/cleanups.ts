// What a benchmark must undo (drop its database, stop its receiver, …): each step registered as
// it is set up, all run once in reverse order — after success, after a failure, or on Ctrl-C.

export type Cleanups = {
  add(step: () => Promise<void> | void): void;
  run(): Promise<void>;
  /** A signal started the cleanup: what fails afterwards is its consequence, not worth reporting. */
  readonly interrupted: boolean;
};

export function createCleanups(log: (line: string) => void): Cleanups {
  const steps: (() => Promise<void> | void)[] = [];
  let running: Promise<void> | null = null;
  let interrupted = false;
  const run = () =>
    (running ??= (async () => {
      for (const step of steps.reverse()) {
        await Promise.resolve()
          .then(step)
          .catch((error: unknown) => log(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    })());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      // Ctrl-C reaches the whole process group, and tsx relays it once more.
      if (!interrupted) log(`${signal}: cleaning up`);
      interrupted = true;
      void run().finally(() => process.exit(130));
    });
  }
  return {
    add: (step) => void steps.push(step),
    run,
    get interrupted() {
      return interrupted;
    },
  };
}

/**
 * Runs a benchmark's or suite's `main` (true: every check held), then the cleanups, and exits 0
 * or 1; an error is printed unless a signal caused it.
 */
export function exitAfter(main: () => Promise<boolean>, cleanups: Cleanups): void {
  void main()
    .then(
      (passed) => (passed ? 0 : 1),
      (error: unknown) => {
        if (!cleanups.interrupted) console.error(error);
        return 1;
      },
    )
    .then(async (exitCode) => {
      await cleanups.run();
      process.exit(exitCode);
    });
}
