import {
  IonButton,
  IonButtons,
  IonContent,
  IonHeader,
  IonInput,
  IonItem,
  IonList,
  IonModal,
  IonSelect,
  IonSelectOption,
  IonSpinner,
  IonText,
  IonTitle,
  IonToolbar,
} from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useHistory } from 'react-router-dom';
import { ApiError } from '../../../shared/api';
import type { Priority, TicketDetail } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { useDirectoryStore } from '../../inbox/store/directoryStore';
import { createTicket } from '../api';
import { PRIORITIES } from '../filters';
import { useTicketsStore } from '../store/ticketsStore';

const FORM_FIELDS = ['subject', 'description', 'priority', 'department', 'team', 'conversation'];

/** The conversation a ticket is opened from: linked, its contact becomes the requester. */
export interface TicketSource {
  conversationId: string;
  contactName: string;
  departmentId: string | null;
  teamId: string | null;
  /** The last message, offered as the description. */
  preview: string;
}

export interface CreateTicketModalProps {
  isOpen: boolean;
  onClose: () => void;
  source?: TicketSource;
  onCreated?: (ticket: TicketDetail) => void;
}

/**
 * New ticket, standalone or from a conversation (the inbox lazy-loads this module, so the
 * tickets namespace and code arrive only when an agent opens it).
 */
export default function CreateTicketModal({ isOpen, onClose, source, onCreated }: CreateTicketModalProps) {
  const { t } = useTranslation('tickets');
  const history = useHistory();
  const departments = useDirectoryStore((s) => s.departments);
  const teams = useDirectoryStore((s) => s.teams);
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [department, setDepartment] = useState('');
  const [team, setTeam] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<TicketDetail | null>(null);
  const teamsShown = department ? teams.filter((x) => x.department === department) : [];

  function prepare() {
    setSubject(source ? t('create.subjectFrom', { name: source.contactName }) : '');
    setDescription(source?.preview ?? '');
    setPriority('normal');
    setDepartment(source?.departmentId ?? '');
    setTeam(source?.teamId ?? '');
    setError(null);
    setCreated(null);
  }

  async function submit() {
    if (!subject.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const ticket = await createTicket({
        subject: subject.trim(),
        description: description.trim(),
        priority,
        department: department || null,
        team: team || null,
        conversation: source?.conversationId ?? null,
      });
      useTicketsStore.getState().applyTicket(ticket);
      setCreated(ticket);
      onCreated?.(ticket);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  // Messages about this form's fields (others, such as a permission name, are not for the agent).
  const fieldErrors =
    error instanceof ApiError ? Object.entries(error.fields).filter(([field]) => FORM_FIELDS.includes(field)) : [];

  return (
    <IonModal isOpen={isOpen} onWillPresent={prepare} onDidDismiss={onClose} data-testid="ticket-create-modal">
      <IonHeader>
        <IonToolbar>
          <IonTitle>{source ? t('create.titleFrom') : t('create.title')}</IonTitle>
          <IonButtons slot="end">
            <IonButton onClick={onClose}>{created ? t('actions.close') : t('actions.cancel')}</IonButton>
          </IonButtons>
        </IonToolbar>
      </IonHeader>
      <IonContent className="ion-padding">
        {created ? (
          <div className="atendo-empty" data-testid="ticket-created">
            <IonText>
              <p>{t('create.done', { number: created.number })}</p>
            </IonText>
            <IonButton
              onClick={() => {
                onClose();
                history.push(`/tickets/${created.id}`);
              }}
              data-testid="ticket-created-open"
            >
              {t('create.open')}
            </IonButton>
          </div>
        ) : (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void submit();
            }}
          >
            <IonList>
              <IonItem>
                <IonInput
                  label={t('fields.subject')}
                  labelPlacement="stacked"
                  value={subject}
                  maxlength={200}
                  required
                  onIonInput={(e) => setSubject(String(e.detail.value ?? ''))}
                  data-testid="create-subject"
                />
              </IonItem>
              <label className="atendo-field">
                <span>{t('fields.description')}</span>
                <textarea
                  value={description}
                  rows={4}
                  maxLength={20_000}
                  onChange={(e) => setDescription(e.target.value)}
                  data-testid="create-description"
                />
              </label>
              <IonItem>
                <IonSelect
                  label={t('fields.priority')}
                  labelPlacement="stacked"
                  interface="popover"
                  value={priority}
                  onIonChange={(e) => setPriority(e.detail.value as Priority)}
                  data-testid="create-priority"
                >
                  {PRIORITIES.map((p) => (
                    <IonSelectOption key={p} value={p}>
                      {t(`priority.${p}`)}
                    </IonSelectOption>
                  ))}
                </IonSelect>
              </IonItem>
              <IonItem>
                <IonSelect
                  label={t('fields.department')}
                  labelPlacement="stacked"
                  interface="popover"
                  value={department}
                  onIonChange={(e) => {
                    setDepartment(String(e.detail.value ?? ''));
                    setTeam('');
                  }}
                  data-testid="create-department"
                >
                  <IonSelectOption value="">{t('create.noDepartment')}</IonSelectOption>
                  {departments.map((d) => (
                    <IonSelectOption key={d.id} value={d.id}>
                      {d.name}
                    </IonSelectOption>
                  ))}
                </IonSelect>
              </IonItem>
              {teamsShown.length > 0 && (
                <IonItem>
                  <IonSelect
                    label={t('fields.team')}
                    labelPlacement="stacked"
                    interface="popover"
                    value={team}
                    onIonChange={(e) => setTeam(String(e.detail.value ?? ''))}
                    data-testid="create-team"
                  >
                    <IonSelectOption value="">{t('transfer.wholeDepartment')}</IonSelectOption>
                    {teamsShown.map((x) => (
                      <IonSelectOption key={x.id} value={x.id}>
                        {x.name}
                      </IonSelectOption>
                    ))}
                  </IonSelect>
                </IonItem>
              )}
            </IonList>
            {source && <p className="atendo-tk-muted">{t('create.linked', { name: source.contactName })}</p>}
            {error !== null && (
              <div className="atendo-tk-error" role="alert" data-testid="create-error">
                <p>{describeError(t, error)}</p>
                {fieldErrors.map(([field, messages]) => (
                  <p key={field}>{messages.join(' ')}</p>
                ))}
              </div>
            )}
            <IonButton type="submit" expand="block" disabled={busy || !subject.trim()} data-testid="create-submit">
              {busy ? <IonSpinner name="dots" aria-label={t('create.saving')} /> : t('create.submit')}
            </IonButton>
          </form>
        )}
      </IonContent>
    </IonModal>
  );
}
