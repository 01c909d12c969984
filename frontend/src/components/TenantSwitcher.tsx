import { IonSelect, IonSelectOption } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { activeMemberships, useAuthStore } from '../shared/auth/store';

/** Shows the current tenant; lets a member of several tenants switch (persisted, sent as X-Tenant). */
export function TenantSwitcher() {
  const { t } = useTranslation();
  const user = useAuthStore((s) => s.user);
  const tenantSlug = useAuthStore((s) => s.tenantSlug);
  const setTenant = useAuthStore((s) => s.setTenant);
  const memberships = activeMemberships(user);
  const current = memberships.find((m) => m.tenant.slug === tenantSlug);

  if (memberships.length <= 1) {
    return (
      <span className="atendo-tenant" data-testid="tenant-switcher" title={t('header.tenant')}>
        {current?.tenant.name ?? ''}
      </span>
    );
  }
  return (
    <div className="atendo-tenant" data-testid="tenant-switcher">
      <IonSelect
        aria-label={t('header.tenant')}
        interface="popover"
        value={tenantSlug}
        onIonChange={(e) => setTenant(String(e.detail.value))}
      >
        {memberships.map((m) => (
          <IonSelectOption key={m.tenant.id} value={m.tenant.slug}>
            {m.tenant.name}
          </IonSelectOption>
        ))}
      </IonSelect>
    </div>
  );
}
