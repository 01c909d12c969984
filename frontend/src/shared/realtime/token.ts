/** Seconds since the epoch at which a JWT expires, or null when it cannot be read. */
export function jwtExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

/** True when the token expires within `marginSeconds` (or its expiry cannot be read). */
export function expiresSoon(token: string, nowMs: number = Date.now(), marginSeconds = 30): boolean {
  const exp = jwtExpiry(token);
  return exp === null || exp * 1000 - nowMs < marginSeconds * 1000;
}
