import { IonButton, IonSpinner } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { LoadStatus } from '../store/load';
import { describeSettingsError } from './form';

/** Loading spinner or the load error with a retry; nothing once the data is there. */
export function SectionStatus({ status, error, onRetry }: { status: LoadStatus; error: unknown; onRetry: () => void }) {
  const { t } = useTranslation('settings');
  if (status === 'idle' || status === 'loading') {
    return (
      <div className="atendo-settings-status" data-testid="settings-loading">
        <IonSpinner aria-label={t('common.loading')} />
      </div>
    );
  }
  if (status === 'error') {
    return (
      <div className="atendo-settings-status" role="alert">
        <p>{describeSettingsError(t, error)}</p>
        <IonButton size="small" fill="outline" onClick={onRetry}>
          {t('common.retry')}
        </IonButton>
      </div>
    );
  }
  return null;
}
