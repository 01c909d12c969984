import { IonButton, IonIcon } from '@ionic/react';
import { add, close } from 'ionicons/icons';
import createOutlineSvg from 'ionicons-svg/create-outline.svg?raw';
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, ContactAttributes, ContactUpdate } from '../../../shared/api/types';
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES } from '../../../shared/i18n/languages';
import { svgIcon } from '../../../shared/ui/svgIcon';
import { useContactStore } from './contactStore';
import { errorText } from './IdentityList';

const createOutline = svgIcon(createOutlineSvg);

/** The server's limits (contacts/api.py): kept here so the form can say so before saving. */
export const MAX_ATTRIBUTES = 50;
export const MAX_ATTRIBUTE_NAME_CHARS = 64;
export const MAX_ATTRIBUTE_VALUE_CHARS = 1000;

interface AttributeRow {
  key: number;
  name: string;
  value: string;
  /** The stored value: kept as it was (a number, yes/no) unless its text is changed. */
  original: ContactAttributes[string] | undefined;
}

type Scalar = ContactAttributes[string];

function textOf(value: Scalar): string {
  return value === null ? '' : String(value);
}

/** Form rows back to attributes; a row whose text did not change keeps its type. */
export function attributesFromRows(rows: Pick<AttributeRow, 'name' | 'value' | 'original'>[]): ContactAttributes {
  const attributes: ContactAttributes = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (!name) continue;
    attributes[name] = row.original !== undefined && textOf(row.original) === row.value ? row.original : row.value;
  }
  return attributes;
}

/** What is wrong with the rows before asking the server (which checks the same, and more). */
export function attributeProblem(rows: Pick<AttributeRow, 'name' | 'value'>[]): 'duplicate' | 'nameTooLong' | 'valueTooLong' | 'tooMany' | null {
  const named = rows.filter((r) => r.name.trim());
  if (named.length > MAX_ATTRIBUTES) return 'tooMany';
  if (named.some((r) => r.name.trim().length > MAX_ATTRIBUTE_NAME_CHARS)) return 'nameTooLong';
  if (named.some((r) => r.value.length > MAX_ATTRIBUTE_VALUE_CHARS)) return 'valueTooLong';
  const names = named.map((r) => r.name.trim());
  return new Set(names).size === names.length ? null : 'duplicate';
}

let rowKeys = 0;

/** Name, language, tags and custom attributes: read, then edited together and saved at once. */
export function ContactDetails({ contact }: { contact: Contact }) {
  const { t } = useTranslation('inbox');
  const [editing, setEditing] = useState(false);

  return editing ? (
    <DetailsForm contact={contact} onDone={() => setEditing(false)} />
  ) : (
    <section className="atendo-contact-section" aria-labelledby="contact-details-title">
      <div className="atendo-contact-section-head">
        <h3 id="contact-details-title">{t('contact.details')}</h3>
        <IonButton size="small" fill="clear" onClick={() => setEditing(true)} data-testid="contact-edit">
          <IonIcon slot="start" icon={createOutline} aria-hidden="true" />
          {t('contact.edit')}
        </IonButton>
      </div>
      <dl className="atendo-contact-fields">
        <dt>{t('contact.language')}</dt>
        <dd>{contact.language ? LANGUAGE_NAMES[contact.language] : t('contact.languageNone')}</dd>
        <dt>{t('contact.tags')}</dt>
        <dd>
          {contact.tags.length ? (
            <span className="atendo-contact-tags" data-testid="contact-tags">
              {contact.tags.map((tag) => (
                <span key={tag} className="atendo-contact-tag">
                  {tag}
                </span>
              ))}
            </span>
          ) : (
            <span className="atendo-contact-muted">{t('contact.noTags')}</span>
          )}
        </dd>
      </dl>
      <h4>{t('contact.attributes')}</h4>
      {Object.keys(contact.custom_attributes).length ? (
        <dl className="atendo-contact-fields" data-testid="contact-attributes">
          {Object.entries(contact.custom_attributes).map(([name, value]) => (
            <div key={name} className="atendo-contact-attribute">
              <dt>{name}</dt>
              <dd>{typeof value === 'boolean' ? t(value ? 'contact.yes' : 'contact.no') : textOf(value) || '—'}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="atendo-contact-muted">{t('contact.noAttributes')}</p>
      )}
    </section>
  );
}

function DetailsForm({ contact, onDone }: { contact: Contact; onDone: () => void }) {
  const { t } = useTranslation('inbox');
  const [name, setName] = useState(contact.name);
  const [language, setLanguage] = useState(contact.language);
  const [tags, setTags] = useState(contact.tags);
  const [tagDraft, setTagDraft] = useState('');
  const [rows, setRows] = useState<AttributeRow[]>(() =>
    Object.entries(contact.custom_attributes).map(([key, value]) => ({ key: rowKeys++, name: key, value: textOf(value), original: value })),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const problem = attributeProblem(rows);

  function addTag() {
    const tag = tagDraft.trim().slice(0, 50);
    if (tag && !tags.includes(tag)) setTags([...tags, tag]);
    setTagDraft('');
  }

  function onTagKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      addTag();
    } else if (event.key === 'Backspace' && !tagDraft && tags.length) {
      setTags(tags.slice(0, -1));
    }
  }

  function setRow(key: number, change: Partial<AttributeRow>) {
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row)));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (problem) return;
    const pendingTag = tagDraft.trim();
    const changes: ContactUpdate = {
      name: name.trim(),
      language,
      tags: pendingTag && !tags.includes(pendingTag) ? [...tags, pendingTag.slice(0, 50)] : tags,
      custom_attributes: attributesFromRows(rows),
    };
    setBusy(true);
    setError(null);
    try {
      await useContactStore.getState().save(contact.id, changes);
      onDone();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  return (
    <form className="atendo-contact-section atendo-contact-form" onSubmit={(e) => void submit(e)} data-testid="contact-form">
      <h3>{t('contact.details')}</h3>
      <label>
        <span>{t('contact.name')}</span>
        <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} data-testid="contact-name-input" />
      </label>
      <label>
        <span>{t('contact.language')}</span>
        <select value={language} onChange={(e) => setLanguage(e.target.value as Contact['language'])} data-testid="contact-language">
          <option value="">{t('contact.languageNone')}</option>
          {SUPPORTED_LANGUAGES.map((code) => (
            <option key={code} value={code}>
              {LANGUAGE_NAMES[code]}
            </option>
          ))}
        </select>
      </label>
      <div className="atendo-contact-label">
        <span id="contact-tags-label">{t('contact.tags')}</span>
        <div className="atendo-contact-tag-input">
          {tags.map((tag) => (
            <span key={tag} className="atendo-contact-tag">
              {tag}
              <button type="button" onClick={() => setTags(tags.filter((x) => x !== tag))} aria-label={t('contact.removeTag', { tag })}>
                <IonIcon icon={close} aria-hidden="true" />
              </button>
            </span>
          ))}
          <input
            value={tagDraft}
            maxLength={50}
            onChange={(e) => setTagDraft(e.target.value)}
            onKeyDown={onTagKey}
            onBlur={addTag}
            placeholder={t('contact.tagPlaceholder')}
            aria-labelledby="contact-tags-label"
            data-testid="contact-tag-input"
          />
        </div>
      </div>
      <fieldset className="atendo-contact-attributes-form">
        <legend>{t('contact.attributes')}</legend>
        {rows.map((row) => (
          <div key={row.key} className="atendo-contact-attribute-row" data-testid="contact-attribute-row">
            <input
              value={row.name}
              maxLength={MAX_ATTRIBUTE_NAME_CHARS}
              placeholder={t('contact.attributeName')}
              aria-label={t('contact.attributeName')}
              onChange={(e) => setRow(row.key, { name: e.target.value })}
              data-testid="contact-attribute-name"
            />
            <input
              value={row.value}
              maxLength={MAX_ATTRIBUTE_VALUE_CHARS}
              placeholder={t('contact.attributeValue')}
              aria-label={t('contact.attributeValueOf', { name: row.name || t('contact.attributeName') })}
              onChange={(e) => setRow(row.key, { value: e.target.value })}
              data-testid="contact-attribute-value"
            />
            <IonButton
              size="small"
              fill="clear"
              color="medium"
              onClick={() => setRows(rows.filter((r) => r.key !== row.key))}
              aria-label={t('contact.removeAttribute', { name: row.name || t('contact.attributeName') })}
            >
              <IonIcon slot="icon-only" icon={close} aria-hidden="true" />
            </IonButton>
          </div>
        ))}
        <IonButton
          size="small"
          fill="clear"
          disabled={rows.length >= MAX_ATTRIBUTES}
          onClick={() => setRows([...rows, { key: rowKeys++, name: '', value: '', original: undefined }])}
          data-testid="contact-attribute-add"
        >
          <IonIcon slot="start" icon={add} aria-hidden="true" />
          {t('contact.addAttribute')}
        </IonButton>
      </fieldset>
      {problem && (
        <small className="atendo-contact-error" role="alert">
          {t(`contact.attributeProblem.${problem}`, { max: problem === 'tooMany' ? MAX_ATTRIBUTES : problem === 'nameTooLong' ? MAX_ATTRIBUTE_NAME_CHARS : MAX_ATTRIBUTE_VALUE_CHARS })}
        </small>
      )}
      {error !== null && (
        <small className="atendo-contact-error" role="alert" data-testid="contact-form-error">
          {errorText(t, error, 'custom_attributes')}
        </small>
      )}
      <div className="atendo-contact-actions">
        <IonButton size="small" type="submit" disabled={busy || problem !== null} data-testid="contact-save">
          {t('contact.save')}
        </IonButton>
        <IonButton size="small" fill="clear" disabled={busy} onClick={onDone}>
          {t('contact.cancel')}
        </IonButton>
      </div>
    </form>
  );
}
