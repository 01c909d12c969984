import { IonButton, IonIcon } from '@ionic/react';
import { addOutline, close } from 'ionicons/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldErrors } from '../../../shared/api';
import type { Weekday } from '../../../shared/api/types';
import { type HoursDraft, type Interval, WEEKDAYS, WORKDAYS } from '../businessHours';
import { timeZoneOptions } from '../timezones';
import { FieldMessages, SelectField, errorsFor } from './form';

interface BusinessHoursEditorProps {
  value: HoursDraft;
  onChange: (value: HoursDraft) => void;
  /**
   * The form's field errors: the server's messages for `business_hours` sit where they belong
   * (`business_hours.weekly.mon.1` on Monday's second row, `…timezone`, `…holidays.0`).
   */
  errors: FieldErrors;
  testId?: string;
}

const FIELD = 'business_hours';

/** Weekly opening hours (several intervals a day), the calendar's time zone and closed dates. */
export function BusinessHoursEditor({ value, onChange, errors, testId = 'hours' }: BusinessHoursEditorProps) {
  const { t } = useTranslation('settings');
  const [holiday, setHoliday] = useState('');
  const at = (...path: (string | number)[]) => errorsFor(errors, [FIELD, ...path].join('.'));
  // Messages no row, day, zone or date claims (about the whole calendar, or keys it does not know).
  const placed = (key: string) =>
    key === `${FIELD}.timezone` ||
    WEEKDAYS.some((day) => key === `${FIELD}.weekly.${day}` || key.startsWith(`${FIELD}.weekly.${day}.`)) ||
    value.holidays.some((_, index) => key === `${FIELD}.holidays.${index}`);
  const general = Object.entries(errors)
    .filter(([key]) => (key === FIELD || key.startsWith(`${FIELD}.`)) && !placed(key))
    .flatMap(([, messages]) => messages);

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
        errors={at('timezone')}
        testId={`${testId}-timezone`}
      />
      <div className="atendo-settings-week">
        {WEEKDAYS.map((day) => {
          const intervals = value.weekly[day];
          const open = intervals.length > 0;
          const dayErrors = at('weekly', day);
          const invalid = Object.keys(errors).some((key) => key === `${FIELD}.weekly.${day}` || key.startsWith(`${FIELD}.weekly.${day}.`));
          const dayLabel = t(`hours.days.${day}`);
          return (
            <div className={`atendo-settings-day${invalid ? ' is-invalid' : ''}`} key={day} data-testid={`${testId}-${day}`}>
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
                  <div className="atendo-settings-interval-row" key={index} data-testid={`${testId}-${day}-row`}>
                    <div className={`atendo-settings-interval${at('weekly', day, index) ? ' is-invalid' : ''}`}>
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
                    <FieldMessages messages={at('weekly', day, index)} testId={`${testId}-${day}-${index}-error`} />
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
                <FieldMessages messages={dayErrors} testId={`${testId}-${day}-error`} />
              </div>
            </div>
          );
        })}
      </div>
      <p className="atendo-settings-hint">{t('hours.midnightHint')}</p>
      <IonButton size="small" fill="outline" onClick={copyMondayToWorkdays} data-testid={`${testId}-copy-monday`}>
        {t('hours.copyMonday')}
      </IonButton>

      <div className="atendo-settings-holidays">
        <span className="atendo-settings-label">{t('hours.holidays')}</span>
        <p className="atendo-settings-hint">{t('hours.holidaysHint')}</p>
        {value.holidays.length > 0 && (
          <ul className="atendo-settings-chips">
            {value.holidays.map((date, index) => (
              <li key={date} className={`atendo-settings-chip ${at('holidays', index) ? 'is-danger' : 'is-medium'}`} title={at('holidays', index)?.join(' ')}>
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
      <FieldMessages messages={value.holidays.flatMap((_, index) => at('holidays', index) ?? [])} testId={`${testId}-holidays-error`} />
      <FieldMessages messages={general.length ? general : undefined} testId={`${testId}-error`} />
    </fieldset>
  );
}
