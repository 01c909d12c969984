import {
  IonButton,
  IonInput,
  IonItem,
  IonList,
  IonListHeader,
  IonNote,
  IonSelect,
  IonSelectOption,
  IonText,
} from '@ionic/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldErrors } from '../../../shared/api';
import { updateMe } from '../../../shared/auth/api';
import { useAuthStore } from '../../../shared/auth/store';
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES, type Language, isLanguage } from '../../../shared/i18n';
import { describeError } from '../../../shared/i18n/errors';

/** Name and preferred language of the signed-in user (PATCH /api/v1/users/me). */
export function ProfileForm() {
  const { t } = useTranslation();
  const user = useAuthStore((s) => s.user);
  const [name, setName] = useState(user?.name ?? '');
  const [language, setLanguage] = useState<Language>(user?.preferred_language ?? 'en');
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<'idle' | 'saved'>('idle');
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    setFields({});
    setStatus('idle');
    try {
      await updateMe({ name: name.trim(), preferred_language: language });
      setStatus('saved');
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setFields(err.fields);
      setError(describeError(t, err));
    } finally {
      setSaving(false);
    }
  }

  if (!user) return null;
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-narrow" data-testid="profile-form">
      <IonList>
        <IonListHeader>{t('settings.profile.title')}</IonListHeader>
        <IonItem>
          <IonInput label={t('settings.profile.email')} labelPlacement="stacked" value={user.email} readonly />
        </IonItem>
        <IonItem>
          <IonInput
            label={t('settings.profile.name')}
            labelPlacement="stacked"
            name="name"
            value={name}
            maxlength={150}
            autocomplete="name"
            data-testid="profile-name"
            onIonInput={(e) => setName(String(e.detail.value ?? ''))}
          />
        </IonItem>
        {fields.name && (
          <IonText color="danger">
            <p className="atendo-field-error">{fields.name.join(' ')}</p>
          </IonText>
        )}
        <IonItem>
          <IonSelect
            label={t('settings.profile.language')}
            labelPlacement="stacked"
            interface="popover"
            value={language}
            data-testid="profile-language"
            onIonChange={(e) => {
              if (isLanguage(e.detail.value)) setLanguage(e.detail.value);
            }}
          >
            {SUPPORTED_LANGUAGES.map((lng) => (
              <IonSelectOption key={lng} value={lng}>
                {LANGUAGE_NAMES[lng]}
              </IonSelectOption>
            ))}
          </IonSelect>
        </IonItem>
      </IonList>
      {error && (
        <IonText color="danger" role="alert">
          <p>{error}</p>
        </IonText>
      )}
      {status === 'saved' && (
        <IonNote color="success" role="status" data-testid="profile-saved">
          {t('settings.profile.saved')}
        </IonNote>
      )}
      <IonButton type="submit" expand="block" disabled={saving} data-testid="profile-save">
        {saving ? t('settings.profile.saving') : t('settings.profile.save')}
      </IonButton>
    </form>
  );
}
