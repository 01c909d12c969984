import type { ReactNode } from 'react';

export type ChipTone = 'success' | 'warning' | 'danger' | 'medium' | 'primary';

/** A small coloured label: verified, pending, active, error… */
export function StatusChip({ tone, children, testId }: { tone: ChipTone; children: ReactNode; testId?: string }) {
  return (
    <span className={`atendo-settings-chip is-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}
