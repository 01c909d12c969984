export type SnoozePreset = 'oneHour' | 'threeHours' | 'tomorrow' | 'nextWeek';

export const SNOOZE_PRESETS: SnoozePreset[] = ['oneHour', 'threeHours', 'tomorrow', 'nextWeek'];

/** When a snooze preset ends, in the agent's local time (mornings start at 09:00). */
export function snoozeUntil(preset: SnoozePreset, now: Date = new Date()): Date {
  const at = new Date(now);
  switch (preset) {
    case 'oneHour':
      return new Date(now.getTime() + 3_600_000);
    case 'threeHours':
      return new Date(now.getTime() + 3 * 3_600_000);
    case 'tomorrow':
      at.setDate(at.getDate() + 1);
      at.setHours(9, 0, 0, 0);
      return at;
    case 'nextWeek': {
      const daysToMonday = ((8 - at.getDay()) % 7) || 7;
      at.setDate(at.getDate() + daysToMonday);
      at.setHours(9, 0, 0, 0);
      return at;
    }
  }
}
