import { IonButton, IonIcon } from '@ionic/react';
import { add, chatbubbleEllipsesOutline, logoWhatsapp, mailOutline, paperPlane } from 'ionicons/icons';
import callOutlineSvg from 'ionicons-svg/call-outline.svg?raw';
import createOutlineSvg from 'ionicons-svg/create-outline.svg?raw';
import globeOutlineSvg from 'ionicons-svg/globe-outline.svg?raw';
import trashOutlineSvg from 'ionicons-svg/trash-outline.svg?raw';
import type { TFunction } from 'i18next';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../shared/api';
import type { Contact, ContactIdentity, IdentityKind } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { svgIcon } from '../../../shared/ui/svgIcon';
import { useContactStore } from './contactStore';

const callOutline = svgIcon(callOutlineSvg);
const createOutline = svgIcon(createOutlineSvg);
const globeOutline = svgIcon(globeOutlineSvg);
const trashOutline = svgIcon(trashOutlineSvg);

const ICONS: Record<IdentityKind, string> = {
  phone: callOutline,
  email: mailOutline,
  whatsapp: logoWhatsapp,
  telegram: paperPlane,
  webchat: chatbubbleEllipsesOutline,
  external: globeOutline,
};

/** Kinds an agent types in; the others come from a channel and are read-only (the API agrees). */
export const EDITABLE_KINDS: readonly IdentityKind[] = ['phone', 'email'];

/** The server's sentence for `field` (or any field), else a description of the error. */
export function errorText(t: TFunction, error: unknown, field = 'value'): string {
  if (error instanceof ApiError) {
    return error.fields[field]?.[0] ?? Object.values(error.fields)[0]?.[0] ?? describeError(t, error);
  }
  return describeError(t, error);
}

/** How the contact is reached: channel identities (read-only) and phones/e-mails agents keep. */
export function IdentityList({ contact, canEdit = true }: { contact: Contact; canEdit?: boolean }) {
  const { t } = useTranslation('inbox');
  const [adding, setAdding] = useState<IdentityKind | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  return (
    <section className="atendo-contact-section" aria-labelledby="contact-identities-title">
      <h3 id="contact-identities-title">{t('contact.identities')}</h3>
      {contact.identities.length === 0 && <p className="atendo-contact-muted">{t('contact.noIdentities')}</p>}
      <ul className="atendo-contact-identities">
        {contact.identities.map((identity) =>
          editing === identity.id ? (
            <li key={identity.id}>
              <IdentityForm
                contactId={contact.id}
                kind={identity.kind}
                identity={identity}
                onDone={() => setEditing(null)}
              />
            </li>
          ) : (
            <IdentityRow
              key={identity.id}
              contactId={contact.id}
              identity={identity}
              editable={canEdit && EDITABLE_KINDS.includes(identity.kind)}
              onEdit={() => setEditing(identity.id)}
            />
          ),
        )}
      </ul>
      {adding ? (
        <IdentityForm contactId={contact.id} kind={adding} onDone={() => setAdding(null)} />
      ) : (
        canEdit && (
          <div className="atendo-contact-actions">
            <IonButton size="small" fill="clear" onClick={() => setAdding('phone')} data-testid="contact-add-phone">
              <IonIcon slot="start" icon={add} aria-hidden="true" />
              {t('contact.addPhone')}
            </IonButton>
            <IonButton size="small" fill="clear" onClick={() => setAdding('email')} data-testid="contact-add-email">
              <IonIcon slot="start" icon={add} aria-hidden="true" />
              {t('contact.addEmail')}
            </IonButton>
          </div>
        )
      )}
    </section>
  );
}

function IdentityRow({
  contactId,
  identity,
  editable,
  onEdit,
}: {
  contactId: string;
  identity: ContactIdentity;
  editable: boolean;
  onEdit: () => void;
}) {
  const { t } = useTranslation('inbox');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const kindLabel = t(`contact.kind.${identity.kind}`, { defaultValue: identity.kind });

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await useContactStore.getState().removeIdentity(contactId, identity.id);
    } catch (failure) {
      setError(failure);
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <li className="atendo-contact-identity" data-testid="contact-identity" data-kind={identity.kind}>
      <IonIcon icon={ICONS[identity.kind] ?? globeOutline} className={`atendo-channel atendo-channel-${identity.kind}`} aria-hidden="true" />
      <span className="atendo-contact-identity-text">
        <span className="atendo-contact-identity-value" data-testid="contact-identity-value">
          {identity.kind === 'email' ? <a href={`mailto:${identity.value}`}>{identity.value}</a> : identity.value}
        </span>
        <small title={editable ? undefined : t('contact.fromChannel')}>{kindLabel}</small>
        {error !== null && (
          <small className="atendo-contact-error" role="alert">
            {errorText(t, error)}
          </small>
        )}
      </span>
      {editable &&
        (confirming ? (
          <span className="atendo-contact-confirm">
            <IonButton size="small" color="danger" disabled={busy} onClick={() => void remove()} data-testid="contact-identity-remove-confirm">
              {t('contact.remove')}
            </IonButton>
            <IonButton size="small" fill="clear" disabled={busy} onClick={() => setConfirming(false)}>
              {t('contact.cancel')}
            </IonButton>
          </span>
        ) : (
          <span className="atendo-contact-row-actions">
            <IonButton size="small" fill="clear" onClick={onEdit} aria-label={t('contact.editIdentity', { value: identity.value })} data-testid="contact-identity-edit">
              <IonIcon slot="icon-only" icon={createOutline} aria-hidden="true" />
            </IonButton>
            <IonButton
              size="small"
              fill="clear"
              color="medium"
              onClick={() => setConfirming(true)}
              aria-label={t('contact.removeIdentity', { value: identity.value })}
              data-testid="contact-identity-remove"
            >
              <IonIcon slot="icon-only" icon={trashOutline} aria-hidden="true" />
            </IonButton>
          </span>
        ))}
    </li>
  );
}

function IdentityForm({
  contactId,
  kind,
  identity,
  onDone,
}: {
  contactId: string;
  kind: IdentityKind;
  identity?: ContactIdentity;
  onDone: () => void;
}) {
  const { t } = useTranslation('inbox');
  const [value, setValue] = useState(identity?.value ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const label = t(`contact.kind.${kind}`);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!value.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const store = useContactStore.getState();
      if (identity) await store.changeIdentity(contactId, identity.id, value);
      else await store.addIdentity(contactId, kind, value);
      onDone();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  return (
    <form className="atendo-contact-inline-form" onSubmit={(e) => void submit(e)} data-testid="contact-identity-form">
      <label>
        <span>{label}</span>
        <input
          type={kind === 'email' ? 'email' : 'tel'}
          autoComplete="off"
          value={value}
          // The form opens on an explicit click: typing can start at once.
          autoFocus
          placeholder={t(kind === 'email' ? 'contact.emailPlaceholder' : 'contact.phonePlaceholder')}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onDone();
          }}
          aria-invalid={error !== null}
          data-testid="contact-identity-input"
        />
      </label>
      {error !== null && (
        <small className="atendo-contact-error" role="alert" data-testid="contact-identity-error">
          {errorText(t, error)}
        </small>
      )}
      <div className="atendo-contact-actions">
        <IonButton size="small" type="submit" disabled={busy || !value.trim()} data-testid="contact-identity-save">
          {t('contact.save')}
        </IonButton>
        <IonButton size="small" fill="clear" disabled={busy} onClick={onDone}>
          {t('contact.cancel')}
        </IonButton>
      </div>
    </form>
  );
}
