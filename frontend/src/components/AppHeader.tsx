import { IonButtons, IonHeader, IonMenuButton, IonTitle, IonToolbar } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { useAuthStore } from '../shared/auth/store';
import { TenantSwitcher } from './TenantSwitcher';

/** The toolbar every signed-in page shows: menu button (phones), title, tenant and user. */
export function AppHeader({ title }: { title: string }) {
  const { t } = useTranslation();
  const user = useAuthStore((s) => s.user);
  return (
    <IonHeader>
      <IonToolbar>
        <IonButtons slot="start">
          <IonMenuButton data-testid="menu-button" />
        </IonButtons>
        <IonTitle>{title}</IonTitle>
        <div slot="end" className="atendo-header-end">
          <TenantSwitcher />
          {user && (
            <span className="atendo-user" data-testid="user-name" title={t('header.user', { name: user.name })}>
              {user.name || user.email}
            </span>
          )}
        </div>
      </IonToolbar>
    </IonHeader>
  );
}
