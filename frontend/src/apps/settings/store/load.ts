/** Where a settings list stands: not asked yet, on its way, shown, or failed (with the error). */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Replaces the row with the same id, or puts a new one first. */
export function upsert<T extends { id: string }>(rows: T[], row: T): T[] {
  const index = rows.findIndex((r) => r.id === row.id);
  if (index === -1) return [row, ...rows];
  const next = rows.slice();
  next[index] = row;
  return next;
}

export function without<T extends { id: string }>(rows: T[], id: string): T[] {
  return rows.filter((r) => r.id !== id);
}

/**
 * One load per key at a time, and none again once loaded unless forced: opening a section
 * twice does not ask twice; another tenant (another key) starts over.
 */
export function singleFlight() {
  let current: { key: string; promise: Promise<void> } | null = null;
  return (key: string, run: () => Promise<void>): Promise<void> => {
    if (current?.key === key) return current.promise;
    const promise = run().finally(() => {
      if (current?.promise === promise) current = null;
    });
    current = { key, promise };
    return promise;
  };
}
