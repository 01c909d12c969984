export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 30000, factor: 2 };

/**
 * Delay before reconnect attempt `attempt` (0 = the first retry): exponential, capped, with
 * "equal jitter" (half fixed, half random) so that a server restart is not met by every agent's
 * browser reconnecting in the same instant.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const n = Math.max(0, Math.floor(attempt));
  const ceiling = Math.min(options.maxMs, options.baseMs * Math.pow(options.factor, Math.min(n, 30)));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
