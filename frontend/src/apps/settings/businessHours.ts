import type { BusinessHours, Weekday } from '../../shared/api/types';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const WORKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

export type Interval = [string, string];

/** The editor's shape: every weekday present, times as `<input type="time">` shows them. */
export interface HoursDraft {
  timezone: string;
  weekly: Record<Weekday, Interval[]>;
  holidays: string[];
}

/** Minutes since midnight; an end of "00:00" (or "24:00") is the end of the day. */
function minutes(value: string, end: boolean): number {
  const [h = '0', m = '0'] = value.split(':');
  const total = Number(h) * 60 + Number(m);
  return end && total % 1440 === 0 ? 1440 : total;
}

/** "HH:MM[:SS]" for a time input: "24:00" shows as "00:00" (midnight), seconds dropped when zero. */
function forInput(value: string): string {
  if (value === '24:00' || value === '24:00:00') return '00:00';
  return value.endsWith(':00') && value.length === 8 ? value.slice(0, 5) : value;
}

export function defaultHours(timezone: string): BusinessHours {
  const day: Interval[] = [['08:00', '18:00']];
  return { timezone, weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] }, holidays: [] };
}

export function toDraft(hours: BusinessHours): HoursDraft {
  const weekly = {} as Record<Weekday, Interval[]>;
  for (const day of WEEKDAYS) {
    weekly[day] = (hours.weekly[day] ?? []).map(([start, end]) => [forInput(start), forInput(end)] as Interval);
  }
  return { timezone: hours.timezone, weekly, holidays: [...(hours.holidays ?? [])].sort() };
}

/**
 * Back to the API's calendar, rows in the editor's order (the server checks them, answers each
 * problem at `business_hours.weekly.<day>.<row>` and stores them sorted); an end at midnight is
 * written "24:00".
 */
export function fromDraft(draft: HoursDraft): BusinessHours {
  const weekly: BusinessHours['weekly'] = {};
  for (const day of WEEKDAYS) {
    weekly[day] = draft.weekly[day].map(([start, end]) => [start, end && minutes(end, true) === 1440 ? '24:00' : end] as Interval);
  }
  return { timezone: draft.timezone, weekly, holidays: [...new Set(draft.holidays)].sort() };
}

/** A one-line summary: "Mon–Fri 08:00–18:00". */
export function openDays(hours: BusinessHours): Weekday[] {
  return WEEKDAYS.filter((day) => (hours.weekly[day] ?? []).length > 0);
}
