import { IonButton } from '@ionic/react';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Membership, QuickReply, QuickReplyCreate } from '../../../shared/api/types';
import { reachOf } from '../../../shared/auth/permissions';
import { selectCurrentMembership, useAuthStore } from '../../../shared/auth/store';
import { PLACEHOLDERS, type Placeholder, fillPlaceholders } from '../../../shared/quickReplies/placeholders';
import { useOrgStore } from '../store/orgStore';
import { useQuickRepliesStore } from '../store/quickRepliesStore';
import '../quickReplies.css';
import { ConfirmButton } from './ConfirmButton';
import { FieldFrame, FormError, InputField, SelectField, errorsFor, useApiForm } from './form';
import { SectionStatus } from './SectionStatus';
import { StatusChip } from './StatusChip';

const SEARCH_DEBOUNCE_MS = 250;
const NO_ROWS: QuickReply[] = [];
const MANAGE = 'knowledge.manage';

/** Where the member may keep shared replies: everywhere (tenant-wide `knowledge.manage`) or
 * in the departments a scoped role grants it in, as `/users/me` lists the member's permissions
 * (the backend checks the same). */
export interface SharedReplyScope {
  everywhere: boolean;
  departments: string[];
}

export function sharedReplyScope(membership: Membership | null): SharedReplyScope {
  const { everywhere, departments } = reachOf(membership, MANAGE);
  return { everywhere, departments };
}

const canShare = (scope: SharedReplyScope) => scope.everywhere || scope.departments.length > 0;

/**
 * Quick replies: every member keeps personal ones; shared ones (the whole workspace or one
 * department) are kept by those holding `knowledge.manage` there and are read-only to others.
 */
export function QuickRepliesSection({ tenant }: { tenant: string }) {
  const { t } = useTranslation('settings');
  const status = useQuickRepliesStore((s) => (s.tenant === tenant ? s.status : 'idle'));
  const error = useQuickRepliesStore((s) => s.error);
  const rows = useQuickRepliesStore((s) => (s.tenant === tenant ? s.rows : NO_ROWS));
  const complete = useQuickRepliesStore((s) => s.complete);
  const storedQuery = useQuickRepliesStore((s) => (s.tenant === tenant ? s.query : ''));
  const [search, setSearch] = useState(storedQuery);
  const [creating, setCreating] = useState(false);
  const membership = useAuthStore(selectCurrentMembership);
  const scope = sharedReplyScope(membership);

  useEffect(() => {
    void useOrgStore.getState().load(tenant); // department names and the scope picker
  }, [tenant]);

  useEffect(() => {
    const timer = setTimeout(() => void useQuickRepliesStore.getState().load(tenant, { query: search }), search ? SEARCH_DEBOUNCE_MS : 0);
    return () => clearTimeout(timer);
  }, [tenant, search]);

  return (
    <>
      <p className="atendo-settings-intro">{t('quickReplies.intro')}</p>
      <div className="atendo-settings-toolbar atendo-settings-qr-toolbar">
        <input
          type="search"
          className="atendo-settings-qr-search"
          value={search}
          placeholder={t('quickReplies.search')}
          aria-label={t('quickReplies.search')}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="quick-replies-search"
        />
        {!creating && (
          <IonButton onClick={() => setCreating(true)} data-testid="quick-reply-new">
            {t('quickReplies.new')}
          </IonButton>
        )}
      </div>
      {creating && (
        <section className="atendo-settings-card" aria-labelledby="quick-reply-new-title">
          <h2 id="quick-reply-new-title">{t('quickReplies.newTitle')}</h2>
          <QuickReplyForm scope={scope} onDone={() => setCreating(false)} />
        </section>
      )}
      {status !== 'ready' ? (
        <SectionStatus status={status} error={error} onRetry={() => void useQuickRepliesStore.getState().load(tenant, { force: true })} />
      ) : (
        <section className="atendo-settings-card" aria-labelledby="quick-replies-title" data-testid="quick-replies-list">
          <h2 id="quick-replies-title">{t('quickReplies.title')}</h2>
          {rows.length === 0 && (
            <p className="atendo-settings-empty" data-testid="quick-replies-empty">
              {storedQuery.trim() ? t('quickReplies.noMatch') : t('quickReplies.empty')}
            </p>
          )}
          <ul className="atendo-settings-list">
            {rows.map((reply) => (
              <QuickReplyRow key={reply.id} reply={reply} scope={scope} />
            ))}
          </ul>
          {!complete && <p className="atendo-settings-muted">{t('quickReplies.more')}</p>}
        </section>
      )}
    </>
  );
}

function ScopeChip({ reply }: { reply: QuickReply }) {
  const { t } = useTranslation('settings');
  const departments = useOrgStore((s) => s.departments);
  if (reply.personal) return <StatusChip tone="primary">{t('quickReplies.personal')}</StatusChip>;
  const department = reply.department ? departments.find((d) => d.id === reply.department)?.name : null;
  return <StatusChip tone="medium">{department ? t('quickReplies.sharedIn', { department }) : t('quickReplies.sharedAll')}</StatusChip>;
}

function QuickReplyRow({ reply, scope }: { reply: QuickReply; scope: SharedReplyScope }) {
  const { t } = useTranslation('settings');
  const [editing, setEditing] = useState(false);
  return (
    <li className="atendo-settings-row" data-testid="quick-reply-row" data-shortcut={reply.shortcut}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <span>
            <strong className="atendo-settings-qr-shortcut">/{reply.shortcut}</strong> {reply.title}
          </span>
          <span className="atendo-settings-muted atendo-settings-qr-body">{reply.body}</span>
        </span>
        <ScopeChip reply={reply} />
        {reply.can_edit ? (
          !editing && (
            <IonButton size="small" fill="outline" onClick={() => setEditing(true)} data-testid="quick-reply-edit">
              {t('common.edit')}
            </IonButton>
          )
        ) : (
          <span className="atendo-settings-muted" data-testid="quick-reply-readonly">
            {t('quickReplies.readOnly')}
          </span>
        )}
      </div>
      {editing && <QuickReplyForm reply={reply} scope={scope} onDone={() => setEditing(false)} />}
    </li>
  );
}

const PLACEHOLDER_LABEL: Record<Placeholder, string> = {
  'contact.name': 'quickReplies.placeholders.contactName',
  'contact.first_name': 'quickReplies.placeholders.contactFirstName',
  'agent.name': 'quickReplies.placeholders.agentName',
  'agent.first_name': 'quickReplies.placeholders.agentFirstName',
};

function QuickReplyForm({ reply, scope, onDone }: { reply?: QuickReply; scope: SharedReplyScope; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const departments = useOrgStore((s) => s.departments);
  const me = useAuthStore((s) => selectCurrentMembership(s)?.display_name || s.user?.name || '');
  const [shortcut, setShortcut] = useState(reply?.shortcut ?? '');
  const [title, setTitle] = useState(reply?.title ?? '');
  const [body, setBody] = useState(reply?.body ?? '');
  // A member who may share nothing keeps personal replies only.
  const [personal, setPersonal] = useState(reply ? reply.personal : !canShare(scope));
  const [department, setDepartment] = useState(reply?.department ?? (scope.everywhere ? '' : (scope.departments[0] ?? '')));
  const bodyInput = useRef<HTMLTextAreaElement>(null);
  const radioId = useId();
  const form = useApiForm();

  const departmentOptions = [
    ...(scope.everywhere ? [{ value: '', label: t('quickReplies.wholeWorkspace') }] : []),
    ...departments.filter((d) => scope.everywhere || scope.departments.includes(d.id)).map((d) => ({ value: d.id, label: d.name })),
  ];

  function insertPlaceholder(name: Placeholder) {
    const token = `{{${name}}}`;
    const input = bodyInput.current;
    const start = input?.selectionStart ?? body.length;
    const end = input?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + token + body.slice(end));
    requestAnimationFrame(() => {
      input?.focus();
      input?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input: QuickReplyCreate = {
      shortcut: shortcut.trim(),
      title: title.trim(),
      body,
      personal,
      department: personal ? null : department || null,
    };
    const store = useQuickRepliesStore.getState();
    const ok = await form.run(() => (reply ? store.update(reply.id, input) : store.create(input)));
    if (ok) onDone();
  }

  const preview = fillPlaceholders(body, { contact: { name: t('quickReplies.sampleContact') }, agent: { name: me } });
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form" data-testid="quick-reply-form">
      <InputField
        label={t('quickReplies.shortcut')}
        value={shortcut}
        onChange={setShortcut}
        hint={t('quickReplies.shortcutHint')}
        placeholder="ola"
        autoComplete="off"
        errors={errorsFor(form.fields, 'shortcut')}
        testId="quick-reply-shortcut"
      />
      <InputField label={t('quickReplies.titleLabel')} value={title} onChange={setTitle} maxLength={120} errors={errorsFor(form.fields, 'title')} testId="quick-reply-title" />
      <FieldFrame label={t('quickReplies.body')} hint={t('quickReplies.bodyHint', { example: '{{contact.first_name}}' })} errors={errorsFor(form.fields, 'body')} errorTestId="quick-reply-body-error">
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            ref={bodyInput}
            rows={5}
            maxLength={4000}
            value={body}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            data-testid="quick-reply-body"
            onChange={(e) => setBody(e.target.value)}
          />
        )}
      </FieldFrame>
      <div className="atendo-settings-inline atendo-settings-qr-placeholders" role="group" aria-label={t('quickReplies.insertPlaceholder')}>
        <span className="atendo-settings-hint">{t('quickReplies.insertPlaceholder')}</span>
        {PLACEHOLDERS.map((name) => (
          <IonButton key={name} size="small" fill="outline" onClick={() => insertPlaceholder(name)} data-testid={`quick-reply-insert-${name}`}>
            {t(PLACEHOLDER_LABEL[name])}
          </IonButton>
        ))}
      </div>
      {body.trim() && (
        <div className="atendo-settings-qr-preview" data-testid="quick-reply-preview">
          <span className="atendo-settings-hint">{t('quickReplies.preview')}</span>
          <p>{preview}</p>
        </div>
      )}
      <fieldset className="atendo-settings-fieldset">
        <legend>{t('quickReplies.visibility')}</legend>
        <div className="atendo-settings-check">
          <input id={`${radioId}-personal`} type="radio" name="visibility" checked={personal} onChange={() => setPersonal(true)} data-testid="quick-reply-personal" />
          <label htmlFor={`${radioId}-personal`}>
            {t('quickReplies.personalOption')}
            <span className="atendo-settings-hint">{t('quickReplies.personalHint')}</span>
          </label>
        </div>
        <div className="atendo-settings-check">
          <input
            id={`${radioId}-shared`}
            type="radio"
            name="visibility"
            checked={!personal}
            disabled={!canShare(scope) && !(reply && !reply.personal)}
            onChange={() => setPersonal(false)}
            data-testid="quick-reply-shared"
          />
          <label htmlFor={`${radioId}-shared`}>
            {t('quickReplies.sharedOption')}
            <span className="atendo-settings-hint">{canShare(scope) ? t('quickReplies.sharedHint') : t('quickReplies.sharedForbidden')}</span>
          </label>
        </div>
        {!personal && (
          <SelectField
            label={t('quickReplies.department')}
            value={department}
            onChange={setDepartment}
            options={departmentOptions}
            hint={t('quickReplies.departmentHint')}
            errors={errorsFor(form.fields, 'department')}
            testId="quick-reply-department"
          />
        )}
        {personal && errorsFor(form.fields, 'department') && (
          <p className="atendo-settings-field-error">{errorsFor(form.fields, 'department')?.join(' ')}</p>
        )}
      </fieldset>
      <FormError form={form} shown={['shortcut', 'title', 'body', 'department']} testId="quick-reply-error" />
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="quick-reply-save">
          {form.busy ? t('common.saving') : reply ? t('common.save') : t('quickReplies.create')}
        </IonButton>
        <IonButton fill="clear" color="medium" onClick={onDone}>
          {t('common.cancel')}
        </IonButton>
        <span className="atendo-settings-spacer" />
        {reply && (
          <ConfirmButton
            question={t('quickReplies.deleteQuestion', { shortcut: `/${reply.shortcut}` })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void form.run(() => useQuickRepliesStore.getState().remove(reply.id))}
            testId="quick-reply-delete"
          >
            {t('common.delete')}
          </ConfirmButton>
        )}
      </div>
    </form>
  );
}
