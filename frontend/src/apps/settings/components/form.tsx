import { IonText } from '@ionic/react';
import type { TFunction } from 'i18next';
import { type ChangeEvent, type ReactNode, useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldErrors } from '../../../shared/api';
import { describeError } from '../../../shared/i18n/errors';

/**
 * A sentence for a failed settings call: our translation of the backend's stable code when we
 * have one (`settings:errors.<code>`), else the shared wording (`common:errors.<code>`, the
 * backend's own translated message, a generic line).
 */
export function describeSettingsError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && error.status !== 0 && error.status !== 429) {
    // `reason`: the backend's own (translated) sentence, for codes whose text quotes it.
    return t(`settings:errors.${error.code}`, { defaultValue: describeError(t, error), reason: error.message });
  }
  return describeError(t, error);
}

export interface ApiForm {
  busy: boolean;
  /** The form-level sentence of the last failure. */
  error: string | null;
  /** Per-field messages of the last failure, by dotted path (`settings.allowed_origins`). */
  fields: FieldErrors;
  /** Runs a submit: clears old errors, keeps the API's messages on failure; true on success. */
  run: (action: () => Promise<unknown>) => Promise<boolean>;
  /** Shows an error that did not come from this form's own call (e.g. a later step). */
  fail: (error: unknown) => void;
  clear: () => void;
}

export function useApiForm(): ApiForm {
  const { t } = useTranslation('settings');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});

  const fail = useCallback(
    (err: unknown) => {
      setFields(err instanceof ApiError ? err.fields : {});
      setError(describeSettingsError(t, err));
    },
    [t],
  );

  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setBusy(true);
      setError(null);
      setFields({});
      try {
        await action();
        return true;
      } catch (err) {
        fail(err);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [fail],
  );

  const clear = useCallback(() => {
    setError(null);
    setFields({});
  }, []);

  return { busy, error, fields, run, fail, clear };
}

/** Messages of the fields this form does not show by itself (so none is ever lost). */
export function leftoverMessages(fields: FieldErrors, shown: readonly string[]): string[] {
  return Object.entries(fields)
    .filter(([key]) => !shown.some((name) => key === name || key.startsWith(`${name}.`)))
    .flatMap(([key, messages]) => (key === 'non_field_errors' ? messages : messages.map((m) => `${key}: ${m}`)));
}

/** The form-level error: the sentence, plus field messages no input claimed. */
export function FormError({ form, shown = [], testId }: { form: ApiForm; shown?: readonly string[]; testId?: string }) {
  if (!form.error) return null;
  const extra = leftoverMessages(form.fields, shown);
  return (
    <div className="atendo-settings-form-error" role="alert" data-testid={testId}>
      <p>{form.error}</p>
      {extra.length > 0 && (
        <ul>
          {extra.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function FieldMessages({ id, messages, testId }: { id?: string; messages?: string[]; testId?: string }) {
  if (!messages?.length) return null;
  return (
    <IonText color="danger">
      <span id={id} className="atendo-settings-field-error" data-testid={testId}>
        {messages.join(' ')}
      </span>
    </IonText>
  );
}

interface FieldFrameProps {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  errorTestId?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
  className?: string;
}

/** Label, control, hint and the API's messages for it, wired for screen readers. */
export function FieldFrame({ label, hint, errors, errorTestId, children, className }: FieldFrameProps) {
  const id = useId();
  const invalid = Boolean(errors?.length);
  const describedBy = [hint ? `${id}-hint` : '', invalid ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`atendo-settings-field${invalid ? ' is-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy, invalid })}
      {hint && (
        <span id={`${id}-hint`} className="atendo-settings-hint">
          {hint}
        </span>
      )}
      <FieldMessages id={`${id}-error`} messages={errors} testId={errorTestId} />
    </div>
  );
}

interface InputFieldProps {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'number' | 'url' | 'color' | 'time' | 'date';
  errors?: string[];
  hint?: ReactNode;
  name?: string;
  placeholder?: string;
  required?: boolean;
  readOnly?: boolean;
  disabled?: boolean;
  autoComplete?: string;
  maxLength?: number;
  min?: number;
  max?: number;
  inputMode?: 'text' | 'numeric' | 'email' | 'url';
  testId?: string;
  className?: string;
}

export function InputField({ label, value, onChange, errors, hint, testId, className, ...input }: InputFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} errors={errors} errorTestId={testId ? `${testId}-error` : undefined} className={className}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          {...input}
          type={input.type ?? 'text'}
          value={value}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          data-testid={testId}
          onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}

interface TextAreaFieldProps {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
  hint?: ReactNode;
  rows?: number;
  maxLength?: number;
  placeholder?: string;
  readOnly?: boolean;
  testId?: string;
}

export function TextAreaField({ label, value, onChange, errors, hint, testId, ...area }: TextAreaFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} errors={errors} errorTestId={testId ? `${testId}-error` : undefined}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          {...area}
          rows={area.rows ?? 3}
          value={value}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}

export interface Option {
  value: string;
  label: string;
}

interface SelectFieldProps {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  options: readonly Option[];
  errors?: string[];
  hint?: ReactNode;
  disabled?: boolean;
  testId?: string;
  className?: string;
}

export function SelectField({ label, value, onChange, options, errors, hint, disabled, testId, className }: SelectFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} errors={errors} errorTestId={testId ? `${testId}-error` : undefined} className={className}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          value={value}
          disabled={disabled}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value)}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

interface CheckboxFieldProps {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
  errors?: string[];
  disabled?: boolean;
  testId?: string;
}

export function CheckboxField({ label, checked, onChange, hint, errors, disabled, testId }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className="atendo-settings-check">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={hint ? `${id}-hint` : undefined}
        data-testid={testId}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>
        {label}
        {hint && (
          <span id={`${id}-hint`} className="atendo-settings-hint">
            {hint}
          </span>
        )}
      </label>
      <FieldMessages messages={errors} />
    </div>
  );
}

/** Messages of exactly these fields (`name`, `roles.0.scope_id`). */
export function errorsFor(fields: FieldErrors, ...names: string[]): string[] | undefined {
  const messages = names.flatMap((name) => fields[name] ?? []);
  return messages.length ? messages : undefined;
}

/** Messages of a field and everything nested in it (`settings.allowed_origins.2`). */
export function errorsUnder(fields: FieldErrors, name: string): string[] | undefined {
  const messages = Object.entries(fields)
    .filter(([key]) => key === name || key.startsWith(`${name}.`))
    .flatMap(([, list]) => list);
  return messages.length ? messages : undefined;
}
