import {
  IonButton,
  IonCard,
  IonCardContent,
  IonCardHeader,
  IonCardTitle,
  IonContent,
  IonPage,
  IonSpinner,
} from '@ionic/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useHistory, useLocation } from 'react-router-dom';
import { ApiError, type User } from '../../../shared/api';
import { loginWithMagicToken } from '../../../shared/auth/api';
import { describeError } from '../../../shared/i18n/errors';

const TOKEN_ERRORS = new Set(['token_invalid', 'token_expired', 'token_used']);

// One exchange per token per page load: the token is single-use, and React may mount this
// page twice (StrictMode, or the router swapping the public shell for the signed-in one).
const exchanges = new Map<string, Promise<User>>();

function exchange(token: string): Promise<User> {
  let pending = exchanges.get(token);
  if (!pending) {
    pending = loginWithMagicToken(token);
    exchanges.set(token, pending);
  }
  return pending;
}

export default function VerifyPage() {
  const { t } = useTranslation('auth');
  const location = useLocation();
  const history = useHistory();
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const [failure, setFailure] = useState<string | null>(token ? null : t('verify.missing'));
  const [failureCode, setFailureCode] = useState<string | null>(token ? null : 'token_missing');

  useEffect(() => {
    if (!token) return;
    let active = true;
    exchange(token).then(
      () => {
        if (active) history.replace('/inbox');
      },
      (error: unknown) => {
        if (!active) return;
        if (error instanceof ApiError && TOKEN_ERRORS.has(error.code)) {
          setFailureCode(error.code);
          setFailure(t(`verify.${error.code}`));
        } else {
          setFailureCode(error instanceof ApiError ? error.code : 'error');
          setFailure(error instanceof ApiError && error.status === 400 ? t('verify.token_invalid') : describeError(t, error));
        }
      },
    );
    return () => {
      active = false;
    };
  }, [token, history, t]);

  return (
    <IonPage data-testid="page-verify">
      <IonContent className="ion-padding">
        <div className="atendo-center">
          <IonCard className="atendo-narrow">
            {failure ? (
              <>
                <IonCardHeader>
                  <IonCardTitle>{t('verify.failedTitle')}</IonCardTitle>
                </IonCardHeader>
                <IonCardContent>
                  <p role="alert" data-testid="verify-error" data-code={failureCode ?? undefined}>
                    {failure}
                  </p>
                  <IonButton routerLink="/login" routerDirection="root" fill="clear" data-testid="verify-back">
                    {t('verify.backToLogin')}
                  </IonButton>
                </IonCardContent>
              </>
            ) : (
              <>
                <IonCardHeader>
                  <IonCardTitle>{t('verify.title')}</IonCardTitle>
                </IonCardHeader>
                <IonCardContent>
                  <p role="status">
                    <IonSpinner name="dots" /> {t('verify.verifying')}
                  </p>
                </IonCardContent>
              </>
            )}
          </IonCard>
        </div>
      </IonContent>
    </IonPage>
  );
}
