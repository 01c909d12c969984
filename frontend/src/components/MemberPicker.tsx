import { IonItem, IonLabel, IonList, IonText } from '@ionic/react';
import { useState, type ReactNode } from 'react';
import { Avatar } from '../apps/inbox/components/Avatar';
import { useDirectoryStore } from '../apps/inbox/store/directoryStore';
import type { Member } from '../shared/api';

interface MemberPickerProps {
  /** Shown disabled: picking the current holder again would be a no-op. */
  currentId: string | null;
  onPick: (member: Member) => void;
  searchLabel: string;
  /** Shown when the directory refused the member list (a role without member.view). */
  deniedText: string;
  disabled?: boolean;
  /** Between the search box and the list: a note field, an error. */
  children?: ReactNode;
  /** First row of the list (e.g. "Unassign"). */
  leadingItem?: ReactNode;
}

export function matchesMember(member: Member, query: string): boolean {
  const q = query.trim().toLowerCase();
  return !q || member.display_name.toLowerCase().includes(q) || member.email.toLowerCase().includes(q);
}

/** The searchable list of the tenant's members that assignment dialogs (inbox, tickets) share. */
export function MemberPicker({
  currentId,
  onPick,
  searchLabel,
  deniedText,
  disabled = false,
  children,
  leadingItem,
}: MemberPickerProps) {
  const members = useDirectoryStore((s) => s.members);
  const denied = useDirectoryStore((s) => s.membersDenied);
  // Lives inside the modal's content, which Ionic unmounts on dismiss: each opening starts empty.
  const [query, setQuery] = useState('');
  const shown = members.filter((m) => matchesMember(m, query));

  return (
    <>
      <div className="ion-padding-horizontal ion-padding-top">
        <input
          type="search"
          className="atendo-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder={searchLabel}
          aria-label={searchLabel}
        />
      </div>
      {children}
      {denied && (
        <IonText color="medium">
          <p className="ion-padding-horizontal">{deniedText}</p>
        </IonText>
      )}
      <IonList>
        {leadingItem}
        {shown.map((member) => (
          <IonItem
            key={member.id}
            button
            detail={false}
            disabled={disabled || member.id === currentId}
            onClick={() => onPick(member)}
            data-testid="assign-member"
          >
            <span slot="start">
              <Avatar id={member.id} name={member.display_name || member.email} size="small" />
            </span>
            <IonLabel>
              <h3>{member.display_name || member.email}</h3>
              <p>{member.email}</p>
            </IonLabel>
          </IonItem>
        ))}
      </IonList>
    </>
  );
}
