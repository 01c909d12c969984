import {
  IonButton,
  IonCard,
  IonCardContent,
  IonCardHeader,
  IonCardSubtitle,
  IonCardTitle,
  IonContent,
  IonInput,
  IonItem,
  IonPage,
  IonText,
} from '@ionic/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldErrors } from '../../../shared/api';
import { requestMagicLink } from '../../../shared/auth/api';
import { describeError } from '../../../shared/i18n/errors';

type Status = 'idle' | 'sending' | 'sent';

export default function LoginPage() {
  const { t } = useTranslation('auth');
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState('');
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const address = email.trim();
    if (!address || status === 'sending') return;
    setStatus('sending');
    setError(null);
    setFields({});
    try {
      await requestMagicLink(address);
      setSentTo(address);
      setStatus('sent');
    } catch (err) {
      setStatus('idle');
      if (err instanceof ApiError && err.status === 429) {
        setError(t('login.tooMany'));
      } else if (err instanceof ApiError && err.status === 400) {
        // Field messages come from the backend already localized (Accept-Language).
        const { email: emailErrors, ...rest } = err.fields;
        const other = Object.values(rest).flat();
        setFields(err.fields);
        setError(other.length > 0 ? other.join(' ') : emailErrors ? null : describeError(t, err));
      } else {
        setError(describeError(t, err));
      }
    }
  }

  return (
    <IonPage data-testid="page-login">
      <IonContent className="ion-padding">
        <div className="atendo-center">
          <IonCard className="atendo-narrow">
            {status === 'sent' ? (
              <>
                <IonCardHeader>
                  <IonCardTitle data-testid="login-sent">{t('login.sentTitle')}</IonCardTitle>
                </IonCardHeader>
                <IonCardContent>
                  <p role="status">{t('login.sentBody', { email: sentTo })}</p>
                  <IonButton fill="clear" onClick={() => setStatus('idle')}>
                    {t('login.useAnother')}
                  </IonButton>
                </IonCardContent>
              </>
            ) : (
              <>
                <IonCardHeader>
                  <IonCardTitle>{t('login.title')}</IonCardTitle>
                  <IonCardSubtitle>{t('login.subtitle')}</IonCardSubtitle>
                </IonCardHeader>
                <IonCardContent>
                  <form onSubmit={(e) => void onSubmit(e)} noValidate data-testid="login-form">
                    <IonItem lines="full">
                      <IonInput
                        type="email"
                        name="email"
                        inputmode="email"
                        autocomplete="email"
                        required
                        label={t('login.email')}
                        labelPlacement="stacked"
                        placeholder={t('login.emailPlaceholder')}
                        value={email}
                        data-testid="login-email"
                        onIonInput={(e) => setEmail(String(e.detail.value ?? ''))}
                      />
                    </IonItem>
                    {fields.email && (
                      <IonText color="danger">
                        <p className="atendo-field-error" data-testid="login-email-error">
                          {fields.email.join(' ')}
                        </p>
                      </IonText>
                    )}
                    {error && (
                      <IonText color="danger" role="alert">
                        <p data-testid="login-error">{error}</p>
                      </IonText>
                    )}
                    <IonButton
                      type="submit"
                      expand="block"
                      className="ion-margin-top"
                      disabled={status === 'sending' || email.trim() === ''}
                      data-testid="login-submit"
                    >
                      {status === 'sending' ? t('login.sending') : t('login.submit')}
                    </IonButton>
                  </form>
                </IonCardContent>
              </>
            )}
          </IonCard>
        </div>
      </IonContent>
    </IonPage>
  );
}
