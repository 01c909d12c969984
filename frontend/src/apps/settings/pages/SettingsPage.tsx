import { IonContent, IonPage } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { AppHeader } from '../../../components/AppHeader';
import { ProfileForm } from '../components/ProfileForm';

export default function SettingsPage() {
  const { t } = useTranslation();
  return (
    <IonPage data-testid="page-settings">
      <AppHeader title={t('settings.title')} />
      <IonContent className="ion-padding">
        <ProfileForm />
      </IonContent>
    </IonPage>
  );
}
