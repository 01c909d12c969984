import { IonContent, IonPage, IonText } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { AppHeader } from '../../../components/AppHeader';

/** Placeholder: the tickets app fills this page in later issues. */
export default function TicketsPage() {
  const { t } = useTranslation();
  return (
    <IonPage data-testid="page-tickets">
      <AppHeader title={t('tickets.title')} />
      <IonContent className="ion-padding">
        <IonText color="medium">
          <p>{t('tickets.placeholder')}</p>
        </IonText>
      </IonContent>
    </IonPage>
  );
}
