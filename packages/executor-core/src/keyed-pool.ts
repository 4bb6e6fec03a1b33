/**
 * Runs tasks with at most `limit()` in flight (read again each time a slot frees, so an adaptive
 * controller can change it), never two with the same key at once, and stops starting new ones
 * once `shouldStop()` says so. Resolves when every started task has finished.
 */
export async function runKeyedPool<T>(
  items: readonly T[],
  options: {
    limit: () => number;
    keyOf: (item: T) => string;
    shouldStop: () => boolean;
    run: (item: T) => Promise<void>;
  },
): Promise<{ started: number }> {
  const busyKeys = new Set<string>();
  const waiting = [...items];
  let inFlight = 0;
  let started = 0;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      while (!options.shouldStop() && inFlight < Math.max(1, options.limit())) {
        const index = waiting.findIndex((item) => !busyKeys.has(options.keyOf(item)));
        if (index < 0) break;
        const [item] = waiting.splice(index, 1) as [T];
        const key = options.keyOf(item);
        busyKeys.add(key);
        inFlight++;
        started++;
        options.run(item).then(
          () => {
            busyKeys.delete(key);
            inFlight--;
            pump();
          },
          reject,
        );
      }
      if (inFlight === 0) resolve({ started });
    };
    pump();
  });
}
