import { IonContent, IonPage, IonSpinner } from '@ionic/react';

/** Suspense fallback while a lazily loaded app or locale bundle arrives. */
export function PageLoading() {
  return (
    <IonPage>
      <IonContent className="ion-padding">
        <div className="atendo-center">
          <IonSpinner aria-busy="true" />
        </div>
      </IonContent>
    </IonPage>
  );
}
