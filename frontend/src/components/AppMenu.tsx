import {
  IonContent,
  IonHeader,
  IonIcon,
  IonItem,
  IonLabel,
  IonList,
  IonListHeader,
  IonMenu,
  IonMenuToggle,
  IonTitle,
  IonToolbar,
} from '@ionic/react';
import {
  analyticsOutline,
  chatbubblesOutline,
  checkmarkOutline,
  flashOutline,
  logOutOutline,
  settingsOutline,
  ticketOutline,
} from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { useHistory, useLocation } from 'react-router-dom';
import { logout } from '../shared/auth/api';
import { usePermissions } from '../shared/auth/permissions';
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES, changeLanguage, isLanguage } from '../shared/i18n';

/** `permission`: listed only for members whose role holds it tenant-wide. */
const SECTIONS: readonly { path: string; key: string; icon: string; testId: string; permission?: string }[] = [
  { path: '/inbox', key: 'menu.inbox', icon: chatbubblesOutline, testId: 'menu-inbox' },
  { path: '/tickets', key: 'menu.tickets', icon: ticketOutline, testId: 'menu-tickets' },
  { path: '/automations', key: 'menu.automations', icon: flashOutline, testId: 'menu-automations', permission: 'automation.manage' },
  { path: '/analytics', key: 'menu.analytics', icon: analyticsOutline, testId: 'menu-analytics', permission: 'analytics.view' },
  { path: '/settings', key: 'menu.settings', icon: settingsOutline, testId: 'menu-settings' },
];

export function AppMenu() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const history = useHistory();
  const language = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : i18n.language;
  const { can } = usePermissions();

  async function onLogout() {
    await logout();
    history.replace('/login');
  }

  return (
    <IonMenu contentId="main" type="overlay" data-testid="app-menu">
      <IonHeader>
        <IonToolbar>
          <IonTitle>{t('app.name')}</IonTitle>
        </IonToolbar>
      </IonHeader>
      <IonContent>
        <IonList lines="none">
          {SECTIONS.filter((s) => !s.permission || can(s.permission)).map((s) => (
            <IonMenuToggle key={s.path} autoHide={false}>
              <IonItem
                routerLink={s.path}
                routerDirection="root"
                detail={false}
                button
                color={location.pathname.startsWith(s.path) ? 'light' : undefined}
                data-testid={s.testId}
              >
                <IonIcon slot="start" icon={s.icon} aria-hidden="true" />
                <IonLabel>{t(s.key)}</IonLabel>
              </IonItem>
            </IonMenuToggle>
          ))}
        </IonList>
        <IonList lines="none">
          <IonListHeader>{t('menu.language')}</IonListHeader>
          {SUPPORTED_LANGUAGES.map((lng) => (
            <IonItem
              key={lng}
              button
              detail={false}
              lang={lng}
              data-testid={`language-${lng}`}
              aria-current={language === lng ? 'true' : undefined}
              onClick={() => void changeLanguage(lng)}
            >
              <IonLabel>{LANGUAGE_NAMES[lng]}</IonLabel>
              {language === lng && <IonIcon slot="end" icon={checkmarkOutline} aria-hidden="true" />}
            </IonItem>
          ))}
        </IonList>
        <IonList lines="none">
          <IonMenuToggle autoHide={false}>
            <IonItem button detail={false} onClick={() => void onLogout()} data-testid="logout">
              <IonIcon slot="start" icon={logOutOutline} aria-hidden="true" />
              <IonLabel>{t('menu.logout')}</IonLabel>
            </IonItem>
          </IonMenuToggle>
        </IonList>
      </IonContent>
    </IonMenu>
  );
}
