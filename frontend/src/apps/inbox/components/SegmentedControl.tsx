import type { ReactNode } from 'react';

interface SegmentedControlProps<T extends string> {
  value: T;
  options: readonly { value: T; label: ReactNode; testId?: string }[];
  onChange: (value: T) => void;
  'aria-label': string;
  className?: string;
}

/** A row of mutually exclusive buttons (a radio group); lighter than ion-segment. */
export function SegmentedControl<T extends string>({ value, options, onChange, className, ...rest }: SegmentedControlProps<T>) {
  return (
    <div className={`atendo-segmented ${className ?? ''}`} role="radiogroup" aria-label={rest['aria-label']}>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          role="radio"
          aria-checked={option.value === value}
          className={option.value === value ? 'is-active' : undefined}
          onClick={() => onChange(option.value)}
          data-testid={option.testId}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
