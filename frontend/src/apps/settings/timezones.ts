import type { Option } from './components/form';

let zones: string[] | null = null;

/** IANA time zones the browser knows (the backend validates against its own tz database). */
export function timeZones(): string[] {
  if (zones) return zones;
  let known: string[];
  try {
    known = Intl.supportedValuesOf('timeZone');
  } catch {
    known = []; // older browsers: the current value and UTC still show
  }
  zones = [...new Set([...known, 'UTC'])].sort();
  return zones;
}

/** Options for a select, keeping the current value even when this browser does not list it. */
export function timeZoneOptions(current: string): Option[] {
  const list = timeZones();
  const all = current && !list.includes(current) ? [current, ...list] : list;
  return all.map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }));
}
