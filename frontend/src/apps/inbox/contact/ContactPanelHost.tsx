import { IonModal, IonSpinner } from '@ionic/react';
import { Suspense, lazy, useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useThreadStore } from '../store/threadStore';
import { useMediaQuery } from '../useMediaQuery';
import { CONTACT_COLUMN_QUERY, useContactPanelStore } from './panelStore';
import './contactColumn.css';

// Fetched with its styles only when an agent first opens the panel.
const ContactPanel = lazy(() => import('./ContactPanel'));

interface ContactPanelHostProps {
  conversationId: string;
  onOpenConversation: (conversationId: string) => void;
}

/** Places the contact panel: a third inbox column on wide screens, a modal on narrower ones. */
export function ContactPanelHost({ conversationId, onOpenConversation }: ContactPanelHostProps) {
  const { t } = useTranslation('inbox');
  const wide = useMediaQuery(CONTACT_COLUMN_QUERY);
  const columnOpen = useContactPanelStore((s) => s.columnOpen);
  const modalOpen = useContactPanelStore((s) => s.modalOpen);
  const contactId = useThreadStore((s) => s.threads[conversationId]?.conversation?.contact.id);
  const closeModal = useCallback(() => useContactPanelStore.getState().setModalOpen(false), []);
  // The modal belongs to one conversation: another one (or the list) starts without it.
  useEffect(() => closeModal, [closeModal, conversationId]);
  const openFromModal = useCallback(
    (id: string) => {
      closeModal();
      if (id !== conversationId) onOpenConversation(id);
    },
    [closeModal, conversationId, onOpenConversation],
  );

  if (!contactId) return null;
  const fallback = (
    <div className="atendo-center">
      <IonSpinner aria-label={t('contact.loading')} />
    </div>
  );

  if (wide) {
    if (!columnOpen) return null;
    return (
      <section className="atendo-inbox-contact">
        <Suspense fallback={fallback}>
          <ContactPanel
            contactId={contactId}
            conversationId={conversationId}
            onClose={() => useContactPanelStore.getState().setColumnOpen(false)}
            onOpenConversation={onOpenConversation}
          />
        </Suspense>
      </section>
    );
  }
  return (
    <IonModal isOpen={modalOpen} onDidDismiss={closeModal} className="atendo-contact-modal" data-testid="contact-modal">
      {modalOpen && (
        <Suspense fallback={fallback}>
          <ContactPanel contactId={contactId} conversationId={conversationId} onClose={closeModal} onOpenConversation={openFromModal} />
        </Suspense>
      )}
    </IonModal>
  );
}
