import { IonIcon } from '@ionic/react';
import { alertCircle, checkmark, checkmarkDone, timeOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { DeliveryStatus } from '../../../shared/api/types';

const ICONS: Record<DeliveryStatus, string> = {
  queued: timeOutline,
  sent: checkmark,
  delivered: checkmarkDone,
  read: checkmarkDone,
  failed: alertCircle,
};

/** WhatsApp-style receipt: clock, one tick, two ticks, two blue ticks, or a red alert. */
export function DeliveryTicks({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation('inbox');
  const label = t(`delivery.${status}`);
  return (
    <IonIcon
      icon={ICONS[status]}
      className={`atendo-ticks is-${status}`}
      role="img"
      aria-label={label}
      title={label}
      data-testid="delivery-status"
      data-status={status}
    />
  );
}
