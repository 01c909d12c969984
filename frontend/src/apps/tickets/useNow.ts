import { useSyncExternalStore } from 'react';

/**
 * The current time (ms), re-rendering every `intervalMs`. One timer per interval for the whole
 * app, however many countdowns are on screen.
 */
const tickers = new Map<number, { now: number; listeners: Set<() => void>; timer: ReturnType<typeof setInterval> | undefined }>();

function tickerFor(intervalMs: number) {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    ticker = { now: Date.now(), listeners: new Set(), timer: undefined };
    tickers.set(intervalMs, ticker);
  }
  return ticker;
}

export function useNow(intervalMs: number): number {
  return useSyncExternalStore(
    (notify) => {
      const ticker = tickerFor(intervalMs);
      ticker.listeners.add(notify);
      if (ticker.timer === undefined) {
        // The ticker slept while nothing watched it: catch up now, then tick.
        const now = Date.now();
        if (now - ticker.now >= intervalMs) {
          ticker.now = now;
          queueMicrotask(notify);
        }
        ticker.timer = setInterval(() => {
          ticker.now = Date.now();
          for (const listener of ticker.listeners) listener();
        }, intervalMs);
      }
      return () => {
        ticker.listeners.delete(notify);
        if (ticker.listeners.size === 0) {
          clearInterval(ticker.timer);
          ticker.timer = undefined;
        }
      };
    },
    // Between ticks the snapshot must stay the same value.
    () => tickerFor(intervalMs).now,
    () => Date.now(),
  );
}
