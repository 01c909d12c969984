import { IonContent, IonIcon, IonPage, IonText } from '@ionic/react';
import { constructOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { AppHeader } from './AppHeader';

/**
 * The honest page of an app that is not built yet: what it will do, and what works meanwhile.
 * Strings live in `common:<app>.*` (title, soon, planned, meanwhile).
 */
export function ComingSoon({ app }: { app: 'automations' | 'analytics' }) {
  const { t } = useTranslation();
  return (
    <IonPage data-testid={`page-${app}`}>
      <AppHeader title={t(`${app}.title`)} />
      <IonContent className="ion-padding">
        <div className="atendo-coming-soon" data-testid="coming-soon">
          <IonIcon icon={constructOutline} aria-hidden="true" className="atendo-coming-soon-icon" />
          <h1>{t('comingSoon.title')}</h1>
          <p>{t(`${app}.soon`)}</p>
          <IonText color="medium">
            <p>{t(`${app}.meanwhile`)}</p>
          </IonText>
        </div>
      </IonContent>
    </IonPage>
  );
}
