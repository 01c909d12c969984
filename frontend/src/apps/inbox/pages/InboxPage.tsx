import { IonContent, IonPage, IonText } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { AppHeader } from '../../../components/AppHeader';

/** Placeholder: the inbox app fills this page in later issues. */
export default function InboxPage() {
  const { t } = useTranslation();
  return (
    <IonPage data-testid="page-inbox">
      <AppHeader title={t('inbox.title')} />
      <IonContent className="ion-padding">
        <IonText color="medium">
          <p>{t('inbox.placeholder')}</p>
        </IonText>
      </IonContent>
    </IonPage>
  );
}
