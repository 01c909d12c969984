import { IonIcon } from '@ionic/react';
import { cloudOfflineOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { StreamStatus } from '../../../shared/realtime';

/** Says so when live updates are not flowing; silent while connected. */
export function ConnectionBanner({ status }: { status: StreamStatus }) {
  const { t } = useTranslation('inbox');
  if (status !== 'reconnecting' && status !== 'polling') return null;
  return (
    <div className={`atendo-connection is-${status}`} role="status" data-testid="connection-banner" data-status={status}>
      <IonIcon icon={cloudOfflineOutline} aria-hidden="true" />
      {status === 'reconnecting' ? t('connection.reconnecting') : t('connection.polling')}
    </div>
  );
}
