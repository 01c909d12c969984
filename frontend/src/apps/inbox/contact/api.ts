import { api } from '../../../shared/api';
import type { Contact, ContactUpdate, Conversation, CursorPage, IdentityKind } from '../../../shared/api/types';

/** A page of one contact's history, newest activity first; the member's scope applies. */
export const CONTACT_CONVERSATIONS_PAGE = 20;

export function fetchContact(contactId: string) {
  return api.get<Contact>(`/api/v1/contacts/${contactId}`);
}

export function updateContact(contactId: string, changes: ContactUpdate) {
  return api.patch<Contact>(`/api/v1/contacts/${contactId}`, changes);
}

export function addContactIdentity(contactId: string, kind: IdentityKind, value: string) {
  return api.post<Contact>(`/api/v1/contacts/${contactId}/identities`, { kind, value });
}

export function changeContactIdentity(contactId: string, identityId: string, value: string) {
  return api.patch<Contact>(`/api/v1/contacts/${contactId}/identities/${identityId}`, { value });
}

export function removeContactIdentity(contactId: string, identityId: string) {
  return api.delete<void>(`/api/v1/contacts/${contactId}/identities/${identityId}`);
}

/** Every status (resolved ones are the history); `cursor` is the previous page's `next` URL. */
export function fetchContactConversations(contactId: string, cursor?: string | null) {
  if (cursor) return api.get<CursorPage<Conversation>>(pathOf(cursor));
  const params = new URLSearchParams({ contact: contactId, status: 'all', page_size: String(CONTACT_CONVERSATIONS_PAGE) });
  return api.get<CursorPage<Conversation>>(`/api/v1/conversations?${params}`);
}

/** Cursor URLs are absolute; the client always talks to its own origin (or the dev proxy). */
function pathOf(url: string): string {
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}
