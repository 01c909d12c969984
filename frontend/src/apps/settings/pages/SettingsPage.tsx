import {
  IonButton,
  IonButtons,
  IonContent,
  IonHeader,
  IonIcon,
  IonItem,
  IonLabel,
  IonList,
  IonPage,
  IonTitle,
  IonToolbar,
} from '@ionic/react';
import { arrowBack } from 'ionicons/icons';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useHistory, useRouteMatch } from 'react-router-dom';
import { AppHeader } from '../../../components/AppHeader';
import { type Permissions, usePermissions } from '../../../shared/auth/permissions';
import { selectCurrentMembership, useAuthStore } from '../../../shared/auth/store';
import { useMediaQuery } from '../../../shared/ui/useMediaQuery';
import { ChannelsSection } from '../components/ChannelsSection';
import { DepartmentsSection } from '../components/DepartmentsSection';
import { MembersSection } from '../components/MembersSection';
import { ProfileForm } from '../components/ProfileForm';
import { QuickRepliesSection } from '../components/QuickRepliesSection';
import { SlaSection } from '../components/SlaSection';
import { WorkspaceSection } from '../components/WorkspaceSection';
import { SECTIONS, type Section, type SectionId, isSectionId, visibleSections } from '../sections';
import '../settings.css';

/** Wide enough for the section list and a section side by side (beside the app menu). */
export const SPLIT_QUERY = '(min-width: 992px)';

/**
 * Settings: on desktop the list of sections beside the open one; on phones the list, and each
 * section as its own screen (`/settings/:section`) with a back button. Only the sections the
 * member's role may change are listed.
 */
export default function SettingsPage() {
  const { t } = useTranslation('settings');
  const history = useHistory();
  const param = useRouteMatch<{ section: string }>('/settings/:section')?.params.section;
  const split = useMediaQuery(SPLIT_QUERY);
  const permissions = usePermissions();
  const sections = visibleSections((permission) => permissions.can(permission));
  const requested: SectionId | null = isSectionId(param) ? param : null;
  // Desktop always shows a section: the first one when the address names none.
  const current: SectionId | null = requested ?? (split ? 'profile' : null);

  const open = useCallback(
    (id: SectionId) => (split ? history.replace(`/settings/${id}`) : history.push(`/settings/${id}`, { fromList: true })),
    [history, split],
  );
  const back = useCallback(() => {
    const state = history.location.state as { fromList?: boolean } | undefined;
    if (state?.fromList) history.goBack();
    else history.replace('/settings');
  }, [history]);

  const stacked = !split && current !== null;
  const title = current ? t(`sections.${current}.title`) : t('title');

  return (
    <IonPage data-testid="page-settings">
      {stacked ? (
        <IonHeader>
          <IonToolbar>
            <IonButtons slot="start">
              <IonButton onClick={back} aria-label={t('back')} data-testid="settings-back">
                <IonIcon slot="icon-only" icon={arrowBack} aria-hidden="true" />
              </IonButton>
            </IonButtons>
            <IonTitle>{title}</IonTitle>
          </IonToolbar>
        </IonHeader>
      ) : (
        <AppHeader title={t('title')} />
      )}
      <IonContent scrollY={false}>
        <div className={`atendo-settings${split ? ' is-split' : ''}`}>
          {(split || current === null) && (
            <nav className="atendo-settings-nav" aria-label={t('title')} data-testid="settings-nav">
              <IonList lines={split ? 'none' : 'full'}>
                {sections.map((section) => (
                  <IonItem
                    key={section.id}
                    button
                    detail={!split}
                    color={section.id === current ? 'light' : undefined}
                    aria-current={section.id === current ? 'page' : undefined}
                    onClick={() => open(section.id)}
                    data-testid={`settings-nav-${section.id}`}
                  >
                    <IonIcon slot="start" icon={section.icon} aria-hidden="true" />
                    <IonLabel>
                      <span>{t(`sections.${section.id}.title`)}</span>
                      {!split && <p>{t(`sections.${section.id}.description`)}</p>}
                    </IonLabel>
                  </IonItem>
                ))}
              </IonList>
            </nav>
          )}
          {current !== null && (
            <main className="atendo-settings-main" data-testid={`settings-section-${current}`}>
              <div className="atendo-settings-content">
                {split && <h1 className="atendo-settings-title">{title}</h1>}
                <p className="atendo-settings-description">{t(`sections.${current}.description`)}</p>
                <SectionBody section={SECTIONS.find((s) => s.id === current) as Section} permissions={permissions} />
              </div>
            </main>
          )}
        </div>
      </IonContent>
    </IonPage>
  );
}

function SectionBody({ section, permissions }: { section: Section; permissions: Permissions }) {
  const { t } = useTranslation('settings');
  const tenant = useAuthStore((s) => s.tenantSlug);
  const tenantId = useAuthStore((s) => selectCurrentMembership(s)?.tenant.id ?? null);
  const { can } = permissions;

  if (section.id === 'profile') return <ProfileForm />;
  if (!tenant || !tenantId) return null;
  if (section.anyOf.length > 0 && !section.anyOf.some((permission) => can(permission))) {
    return (
      <p className="atendo-settings-empty" role="alert" data-testid="settings-forbidden">
        {t('forbidden')}
      </p>
    );
  }
  switch (section.id) {
    case 'quick-replies':
      return <QuickRepliesSection tenant={tenant} />;
    case 'workspace':
      return <WorkspaceSection tenantId={tenantId} canManage={can('tenant.manage')} canManageDomains={can('domain.manage')} />;
    case 'members':
      return <MembersSection tenant={tenant} canInvite={can('member.invite')} canManage={can('member.manage')} />;
    case 'departments':
      return <DepartmentsSection tenant={tenant} tenantId={tenantId} />;
    case 'sla':
      return <SlaSection tenant={tenant} />;
    case 'channels':
      return <ChannelsSection tenant={tenant} />;
  }
}
