import { IonButton } from '@ionic/react';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface ConfirmButtonProps {
  children: ReactNode;
  /** The question shown in place of the button, e.g. "Remove this domain?" */
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  color?: string;
  testId?: string;
}

/** A destructive action asked twice, inline (no modal): works the same with a mouse, a finger or a reader. */
export function ConfirmButton({ children, question, confirmLabel, onConfirm, disabled, color = 'danger', testId }: ConfirmButtonProps) {
  const { t } = useTranslation('settings');
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <IonButton size="small" fill="clear" color={color} disabled={disabled} onClick={() => setAsking(true)} data-testid={testId}>
        {children}
      </IonButton>
    );
  }
  return (
    <span className="atendo-settings-confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <IonButton
        size="small"
        color={color}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        data-testid={testId ? `${testId}-confirm` : undefined}
      >
        {confirmLabel}
      </IonButton>
      <IonButton size="small" fill="clear" color="medium" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </IonButton>
    </span>
  );
}
