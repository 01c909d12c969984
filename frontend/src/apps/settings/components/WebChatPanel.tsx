import { IonButton } from '@ionic/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WebChatAccount } from '../../../shared/api/types';
import { useChannelsStore } from '../store/channelsStore';
import { ConfirmButton } from './ConfirmButton';
import { CopyButton } from './CopyButton';
import { FormError, InputField, TextAreaField, errorsFor, errorsUnder, useApiForm } from './form';
import { type Routing, RoutingFields, routingInput, useRoutingLabel } from './RoutingFields';
import { StatusChip } from './StatusChip';

const DEFAULT_COLOR = '#128C7E';

function originsFromText(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((o) => o.trim())
    .filter(Boolean);
}

/** A new Web Chat (name, where it may be embedded, colour, greeting); its snippet shows right after. */
export function WebChatForm({ account, onDone }: { account?: WebChatAccount; onDone: (saved?: WebChatAccount) => void }) {
  const { t } = useTranslation('settings');
  const [name, setName] = useState(account?.name ?? '');
  const [origins, setOrigins] = useState((account?.settings.allowed_origins ?? []).join('\n'));
  const [color, setColor] = useState(account?.settings.primary_color ?? DEFAULT_COLOR);
  const [greeting, setGreeting] = useState(account?.settings.greeting ?? '');
  const [routing, setRouting] = useState<Routing>({ department: account?.default_department ?? '', team: account?.default_team ?? '' });
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const settings = { allowed_origins: originsFromText(origins), primary_color: color, greeting: greeting.trim() };
    let saved: WebChatAccount | undefined;
    const store = useChannelsStore.getState();
    const ok = await form.run(async () => {
      const input = { name: name.trim(), settings, ...routingInput(routing) };
      saved = account ? await store.updateWebChat(account.id, input) : await store.createWebChat(input);
    });
    if (ok) onDone(saved);
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form" data-testid="webchat-form">
      {!account && <p className="atendo-settings-intro">{t('channels.kinds.webchat.intro')}</p>}
      <InputField
        label={t('channels.webchat.name')}
        value={name}
        onChange={setName}
        maxLength={120}
        placeholder={t('channels.kinds.webchat.namePlaceholder')}
        errors={errorsFor(form.fields, 'name')}
        testId="webchat-name"
      />
      <TextAreaField
        label={t('channels.webchat.allowedOrigins')}
        hint={t('channels.webchat.allowedOriginsHint')}
        value={origins}
        onChange={setOrigins}
        rows={2}
        placeholder="https://www.example.com"
        errors={errorsUnder(form.fields, 'settings.allowed_origins')}
        testId="webchat-origins"
      />
      <InputField
        label={t('channels.webchat.color')}
        type="color"
        value={color}
        onChange={setColor}
        errors={errorsUnder(form.fields, 'settings.primary_color')}
        testId="webchat-color"
        className="atendo-settings-color"
      />
      <TextAreaField
        label={t('channels.webchat.greeting')}
        hint={t('channels.webchat.greetingHint')}
        value={greeting}
        onChange={setGreeting}
        rows={2}
        maxLength={500}
        errors={errorsUnder(form.fields, 'settings.greeting')}
        testId="webchat-greeting"
      />
      <RoutingFields
        value={routing}
        onChange={setRouting}
        errors={errorsFor(form.fields, 'default_department', 'default_team')}
        testIdPrefix="webchat-routing"
      />
      <FormError
        form={form}
        shown={['name', 'settings.allowed_origins', 'settings.primary_color', 'settings.greeting', 'default_department', 'default_team']}
        testId="webchat-error"
      />
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="webchat-save">
          {form.busy ? t('common.saving') : account ? t('common.save') : t('channels.webchat.create')}
        </IonButton>
        <IonButton fill="clear" color="medium" onClick={() => onDone()}>
          {t('common.cancel')}
        </IonButton>
      </div>
    </form>
  );
}

/** One Web Chat: status, the embed snippet to paste into the site, settings and the identity secret. */
export function WebChatCard({ account, highlight }: { account: WebChatAccount; highlight: boolean }) {
  const { t } = useTranslation('settings');
  const [editing, setEditing] = useState(false);
  const [showSecret, setShowSecret] = useState(false);
  const form = useApiForm();
  const active = account.status === 'active';
  const routesTo = useRoutingLabel(account.default_department, account.default_team);

  return (
    <li className={`atendo-settings-row${highlight ? ' is-highlighted' : ''}`} data-testid="webchat-card" data-name={account.name}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <strong>{account.name}</strong>
          <span className="atendo-settings-muted">{t('channels.kinds.webchat.label')}</span>
          {routesTo && (
            <span className="atendo-settings-muted" data-testid="webchat-routing-summary">
              {routesTo}
            </span>
          )}
        </span>
        <StatusChip tone={active ? 'success' : 'medium'} testId="webchat-status">
          {t(`channels.status.${account.status}`)}
        </StatusChip>
      </div>
      {highlight && (
        <p className="atendo-settings-saved" role="status">
          {t('channels.webchat.created')}
        </p>
      )}
      <div className="atendo-settings-copyable">
        <span className="atendo-settings-label">{t('channels.webchat.embed')}</span>
        <p className="atendo-settings-hint">{t('channels.webchat.embedHint')}</p>
        <div className="atendo-settings-copy-row">
          <pre className="atendo-settings-code" data-testid="webchat-embed">
            <code>{account.embed_code}</code>
          </pre>
          <CopyButton text={account.embed_code} label={t('channels.webchat.copyEmbed')} testId="webchat-embed-copy" />
        </div>
      </div>
      <details className="atendo-settings-details">
        <summary>{t('channels.webchat.identity')}</summary>
        <p className="atendo-settings-hint">{t('channels.webchat.identityHint')}</p>
        <div className="atendo-settings-copy-row">
          <code className="atendo-settings-code" data-testid="webchat-secret">
            {showSecret ? account.identity_secret : '••••••••••••••••'}
          </code>
          <IonButton size="small" fill="clear" onClick={() => setShowSecret(!showSecret)}>
            {showSecret ? t('channels.webchat.hideSecret') : t('channels.webchat.showSecret')}
          </IonButton>
          <CopyButton text={account.identity_secret} label={t('channels.webchat.copySecret')} />
        </div>
        <ConfirmButton
          question={t('channels.webchat.rotateQuestion')}
          confirmLabel={t('channels.webchat.rotate')}
          color="warning"
          onConfirm={() => void form.run(() => useChannelsStore.getState().updateWebChat(account.id, { rotate_secret: true }))}
        >
          {t('channels.webchat.rotate')}
        </ConfirmButton>
      </details>
      <FormError form={form} testId="webchat-card-error" />
      {editing ? (
        <WebChatForm account={account} onDone={() => setEditing(false)} />
      ) : (
        <div className="atendo-settings-row-actions">
          <IonButton size="small" fill="outline" onClick={() => setEditing(true)} data-testid="webchat-edit">
            {t('common.edit')}
          </IonButton>
          <IonButton
            size="small"
            fill="clear"
            color={active ? 'danger' : 'primary'}
            disabled={form.busy}
            onClick={() =>
              void form.run(() =>
                useChannelsStore.getState().updateWebChat(account.id, { status: active ? 'disabled' : 'active' }),
              )
            }
            data-testid={active ? 'webchat-deactivate' : 'webchat-activate'}
          >
            {active ? t('channels.deactivate') : t('channels.activate')}
          </IonButton>
          {/* A live widget keeps taking messages: it is switched off first (the API insists). */}
          {!active && (
            <ConfirmButton
              question={t('channels.webchat.deleteQuestion', { name: account.name })}
              confirmLabel={t('common.delete')}
              disabled={form.busy}
              onConfirm={() => void form.run(() => useChannelsStore.getState().deleteWebChat(account.id))}
              testId="webchat-delete"
            >
              {t('channels.webchat.delete')}
            </ConfirmButton>
          )}
        </div>
      )}
    </li>
  );
}
