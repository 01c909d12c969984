import { IonButton, IonIcon } from '@ionic/react';
import { addOutline, close } from 'ionicons/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Weekday } from '../../../shared/api/types';
import { type HoursDraft, type Interval, WEEKDAYS, WORKDAYS, hoursProblems } from '../businessHours';
import { timeZoneOptions } from '../timezones';
import { FieldMessages, SelectField } from './form';

interface BusinessHoursEditorProps {
  value: HoursDraft;
  onChange: (value: HoursDraft) => void;
  /** Whether to show the client-side problems (after a first save attempt). */
  showProblems: boolean;
  /** The server's messages for `business_hours`. */
  errors?: string[];
  testId?: string;
}

/** Weekly opening hours (several intervals a day), the calendar's time zone and closed dates. */
export function BusinessHoursEditor({ value, onChange, showProblems, errors, testId = 'hours' }: BusinessHoursEditorProps) {
  const { t } = useTranslation('settings');
  const [holiday, setHoliday] = useState('');
  const problems = hoursProblems(value);

  function setDay(day: Weekday, intervals: Interval[]) {
    onChange({ ...value, weekly: { ...value.weekly, [day]: intervals } });
  }

  function copyMondayToWorkdays() {
    const monday = value.weekly.mon;
    const weekly = { ...value.weekly };
    for (const day of WORKDAYS) weekly[day] = monday.map((i) => [...i] as Interval);
    onChange({ ...value, weekly });
  }

  function addHoliday() {
    if (!holiday || value.holidays.includes(holiday)) return;
    onChange({ ...value, holidays: [...value.holidays, holiday].sort() });
    setHoliday('');
  }

  return (
    <fieldset className="atendo-settings-hours" data-testid={testId}>
      <legend>{t('hours.title')}</legend>
      <p className="atendo-settings-hint">{t('hours.intro')}</p>
      <SelectField
        label={t('hours.timezone')}
        value={value.timezone}
        onChange={(timezone) => onChange({ ...value, timezone })}
        options={timeZoneOptions(value.timezone)}
        testId={`${testId}-timezone`}
      />
      <div className="atendo-settings-week">
        {WEEKDAYS.map((day) => {
          const intervals = value.weekly[day];
          const open = intervals.length > 0;
          const problem = showProblems ? problems.days[day] : undefined;
          const dayLabel = t(`hours.days.${day}`);
          return (
            <div className={`atendo-settings-day${problem ? ' is-invalid' : ''}`} key={day} data-testid={`${testId}-${day}`}>
              <label className="atendo-settings-day-name">
                <input
                  type="checkbox"
                  checked={open}
                  onChange={(e) => setDay(day, e.target.checked ? [['08:00', '18:00']] : [])}
                  data-testid={`${testId}-${day}-open`}
                />
                <span>{dayLabel}</span>
              </label>
              <div className="atendo-settings-intervals">
                {!open && <span className="atendo-settings-muted">{t('hours.closed')}</span>}
                {intervals.map(([start, end], index) => (
                  <div className="atendo-settings-interval" key={index}>
                    <input
                      type="time"
                      value={start}
                      aria-label={t('hours.opensAt', { day: dayLabel })}
                      onChange={(e) => setDay(day, intervals.map((iv, i) => (i === index ? [e.target.value, iv[1]] : iv)))}
                      data-testid={`${testId}-${day}-start`}
                    />
                    <span aria-hidden="true">–</span>
                    <input
                      type="time"
                      value={end}
                      aria-label={t('hours.closesAt', { day: dayLabel })}
                      onChange={(e) => setDay(day, intervals.map((iv, i) => (i === index ? [iv[0], e.target.value] : iv)))}
                      data-testid={`${testId}-${day}-end`}
                    />
                    <IonButton
                      fill="clear"
                      color="medium"
                      size="small"
                      aria-label={t('hours.removeInterval', { day: dayLabel })}
                      title={t('hours.removeInterval', { day: dayLabel })}
                      onClick={() => setDay(day, intervals.filter((_, i) => i !== index))}
                    >
                      <IonIcon slot="icon-only" icon={close} aria-hidden="true" />
                    </IonButton>
                  </div>
                ))}
                {open && (
                  <IonButton
                    fill="clear"
                    size="small"
                    onClick={() => setDay(day, [...intervals, ['13:00', '18:00']])}
                    aria-label={t('hours.addInterval', { day: dayLabel })}
                  >
                    <IonIcon slot="start" icon={addOutline} aria-hidden="true" />
                    {t('hours.interval')}
                  </IonButton>
                )}
                {problem && <FieldMessages messages={[t(`hours.problems.${problem}`)]} testId={`${testId}-${day}-error`} />}
              </div>
            </div>
          );
        })}
      </div>
      <p className="atendo-settings-hint">{t('hours.midnightHint')}</p>
      <IonButton size="small" fill="outline" onClick={copyMondayToWorkdays} data-testid={`${testId}-copy-monday`}>
        {t('hours.copyMonday')}
      </IonButton>
      {showProblems && problems.neverOpen && <FieldMessages messages={[t('hours.problems.neverOpen')]} testId={`${testId}-never-open`} />}

      <div className="atendo-settings-holidays">
        <span className="atendo-settings-label">{t('hours.holidays')}</span>
        <p className="atendo-settings-hint">{t('hours.holidaysHint')}</p>
        {value.holidays.length > 0 && (
          <ul className="atendo-settings-chips">
            {value.holidays.map((date) => (
              <li key={date} className="atendo-settings-chip is-medium">
                <span>{date}</span>
                <button
                  type="button"
                  className="atendo-settings-chip-remove"
                  aria-label={t('hours.removeHoliday', { date })}
                  onClick={() => onChange({ ...value, holidays: value.holidays.filter((d) => d !== date) })}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="atendo-settings-inline">
          <input
            type="date"
            value={holiday}
            aria-label={t('hours.holidayDate')}
            onChange={(e) => setHoliday(e.target.value)}
            data-testid={`${testId}-holiday`}
          />
          <IonButton size="small" fill="outline" disabled={!holiday} onClick={addHoliday}>
            {t('hours.addHoliday')}
          </IonButton>
        </div>
      </div>
      <FieldMessages messages={errors} testId={`${testId}-error`} />
    </fieldset>
  );
}
