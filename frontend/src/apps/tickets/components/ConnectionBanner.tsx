import { IonIcon } from '@ionic/react';
import { cloudOfflineOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { StreamStatus } from '../../../shared/realtime';

/** Says so when the board is not live; silent while connected. */
export function ConnectionBanner({ status }: { status: StreamStatus }) {
  const { t } = useTranslation('tickets');
  if (status !== 'reconnecting' && status !== 'polling' && status !== 'denied') return null;
  return (
    <div className={`atendo-connection is-${status}`} role="status" data-testid="connection-banner" data-status={status}>
      <IonIcon icon={cloudOfflineOutline} aria-hidden="true" />
      {t(`connection.${status}`)}
    </div>
  );
}
