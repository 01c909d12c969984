import { IonButton, IonIcon } from '@ionic/react';
import { personCircleOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { useMediaQuery } from '../useMediaQuery';
import { CONTACT_COLUMN_QUERY, useContactPanelStore } from './panelStore';

/** The conversation header's button for the contact panel: a column when wide, else a modal. */
export function ContactPanelToggle() {
  const { t } = useTranslation('inbox');
  const wide = useMediaQuery(CONTACT_COLUMN_QUERY);
  const columnOpen = useContactPanelStore((s) => s.columnOpen);
  const modalOpen = useContactPanelStore((s) => s.modalOpen);
  const open = wide ? columnOpen : modalOpen;
  const label = open ? t('contact.close') : t('contact.open');
  return (
    <IonButton
      color={open ? 'primary' : undefined}
      onClick={() => {
        const panel = useContactPanelStore.getState();
        if (wide) panel.setColumnOpen(!columnOpen);
        else panel.setModalOpen(!modalOpen);
      }}
      aria-label={label}
      aria-pressed={open}
      title={label}
      data-testid="contact-panel-toggle"
    >
      <IonIcon slot="icon-only" icon={personCircleOutline} aria-hidden="true" />
    </IonButton>
  );
}
