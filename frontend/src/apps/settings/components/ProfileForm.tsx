import { IonButton } from '@ionic/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { updateMe } from '../../../shared/auth/api';
import { useAuthStore } from '../../../shared/auth/store';
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES, type Language, isLanguage } from '../../../shared/i18n';
import { FormError, InputField, SelectField, errorsFor, useApiForm } from './form';

/** Name and preferred language of the signed-in user (PATCH /api/v1/users/me). */
export function ProfileForm() {
  const { t } = useTranslation('settings');
  const user = useAuthStore((s) => s.user);
  const [name, setName] = useState(user?.name ?? '');
  const [language, setLanguage] = useState<Language>(user?.preferred_language ?? 'en');
  const [saved, setSaved] = useState(false);
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    if (await form.run(() => updateMe({ name: name.trim(), preferred_language: language }))) setSaved(true);
  }

  if (!user) return null;
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form" data-testid="profile-form">
      <InputField label={t('profile.email')} value={user.email} onChange={() => undefined} readOnly type="email" />
      <InputField
        label={t('profile.name')}
        value={name}
        onChange={setName}
        maxLength={150}
        autoComplete="name"
        errors={errorsFor(form.fields, 'name')}
        testId="profile-name"
      />
      <SelectField
        label={t('profile.language')}
        value={language}
        onChange={(value) => isLanguage(value) && setLanguage(value)}
        options={SUPPORTED_LANGUAGES.map((lng) => ({ value: lng, label: LANGUAGE_NAMES[lng] }))}
        errors={errorsFor(form.fields, 'preferred_language')}
        testId="profile-language"
      />
      <FormError form={form} shown={['name', 'preferred_language']} />
      {saved && (
        <p className="atendo-settings-saved" role="status" data-testid="profile-saved">
          {t('profile.saved')}
        </p>
      )}
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="profile-save">
          {form.busy ? t('common.saving') : t('common.save')}
        </IonButton>
      </div>
    </form>
  );
}
