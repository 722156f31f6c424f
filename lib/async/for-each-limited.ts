/**
 * Runs `task` for every item with at most `concurrency` running at once: one shared iterator,
 * from which each worker takes the next item when it is free.
 *
 * @example await forEachLimited(tokens, 5, (token) => answer(token));
 */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const queue = items.values();
  const worker = async () => {
    for (const item of queue) await task(item);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
