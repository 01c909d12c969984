import { create } from 'zustand';
import type { Contact, ContactUpdate, Conversation, IdentityKind } from '../../../shared/api/types';
import { type AuthState, useAuthStore } from '../../../shared/auth/store';
import { useConversationListStore } from '../store/listStore';
import { useThreadStore } from '../store/threadStore';
import {
  addContactIdentity,
  changeContactIdentity,
  fetchContact,
  fetchContactConversations,
  removeContactIdentity,
  updateContact,
} from './api';

export type LoadStatus = 'loading' | 'ready' | 'error';

export interface ContactEntry {
  status: LoadStatus;
  contact: Contact | null;
  error: unknown;
  conversations: Conversation[];
  conversationsStatus: LoadStatus;
  conversationsError: unknown;
  nextCursor: string | null;
  loadingMore: boolean;
}

/**
 * Contacts shown in the inbox's contact panel and their conversations. There is no realtime
 * event for contact changes, so every `open` fetches again (what was shown stays on screen
 * meanwhile); edits made here update the panel and the contact's name across the inbox.
 * Writes reject with the ApiError so forms can show the server's field messages.
 */
export interface ContactDataState {
  byId: Record<string, ContactEntry>;
  open: (contactId: string) => Promise<void>;
  loadMoreConversations: (contactId: string) => Promise<void>;
  save: (contactId: string, changes: ContactUpdate) => Promise<void>;
  addIdentity: (contactId: string, kind: IdentityKind, value: string) => Promise<void>;
  changeIdentity: (contactId: string, identityId: string, value: string) => Promise<void>;
  removeIdentity: (contactId: string, identityId: string) => Promise<void>;
  reset: () => void;
}

const EMPTY: ContactEntry = {
  status: 'loading',
  contact: null,
  error: null,
  conversations: [],
  conversationsStatus: 'loading',
  conversationsError: null,
  nextCursor: null,
  loadingMore: false,
};

/** The latest request per contact: an older answer arriving late is dropped. */
const requests: Record<string, number> = {};
let generation = 0;

export const useContactStore = create<ContactDataState>()((set, get) => {
  function patch(contactId: string, change: Partial<ContactEntry>) {
    set((s) => ({ byId: { ...s.byId, [contactId]: { ...(s.byId[contactId] ?? EMPTY), ...change } } }));
  }

  function applyContact(contact: Contact) {
    patch(contact.id, { contact, status: 'ready', error: null });
    reflectInInbox(contact);
  }

  return {
    byId: {},

    open: async (contactId) => {
      const request = (requests[contactId] = (requests[contactId] ?? 0) + 1);
      const current = get().byId[contactId];
      const at = generation;
      const stale = () => at !== generation || requests[contactId] !== request;
      patch(contactId, {
        status: current?.contact ? 'ready' : 'loading',
        conversationsStatus: current?.conversations.length ? 'ready' : 'loading',
      });
      const [contact, page] = await Promise.allSettled([fetchContact(contactId), fetchContactConversations(contactId)]);
      if (stale()) return;
      if (contact.status === 'fulfilled') applyContact(contact.value);
      else patch(contactId, { status: 'error', error: contact.reason });
      if (page.status === 'fulfilled') {
        patch(contactId, {
          conversations: page.value.results,
          nextCursor: page.value.next,
          conversationsStatus: 'ready',
          conversationsError: null,
        });
      } else {
        patch(contactId, { conversationsStatus: 'error', conversationsError: page.reason });
      }
    },

    loadMoreConversations: async (contactId) => {
      const entry = get().byId[contactId];
      if (!entry?.nextCursor || entry.loadingMore) return;
      const at = generation;
      patch(contactId, { loadingMore: true });
      try {
        const page = await fetchContactConversations(contactId, entry.nextCursor);
        if (at !== generation) return;
        const known = new Set(get().byId[contactId]?.conversations.map((c) => c.id));
        patch(contactId, {
          conversations: [...(get().byId[contactId]?.conversations ?? []), ...page.results.filter((c) => !known.has(c.id))],
          nextCursor: page.next,
          loadingMore: false,
        });
      } catch (error) {
        if (at === generation) patch(contactId, { loadingMore: false, conversationsError: error });
      }
    },

    save: async (contactId, changes) => {
      applyContact(await updateContact(contactId, changes));
    },

    addIdentity: async (contactId, kind, value) => {
      applyContact(await addContactIdentity(contactId, kind, value));
    },

    changeIdentity: async (contactId, identityId, value) => {
      applyContact(await changeContactIdentity(contactId, identityId, value));
    },

    removeIdentity: async (contactId, identityId) => {
      await removeContactIdentity(contactId, identityId);
      const contact = get().byId[contactId]?.contact;
      if (contact) patch(contactId, { contact: { ...contact, identities: contact.identities.filter((i) => i.id !== identityId) } });
    },

    reset: () => {
      generation++;
      set({ byId: {} });
    },
  };
});

/** The conversation list and open threads show the contact's name and picture: keep them in step. */
function reflectInInbox(contact: Contact): void {
  const rename = (conversation: Conversation): Conversation | null =>
    conversation.contact.id === contact.id &&
    (conversation.contact.name !== contact.name || conversation.contact.avatar_url !== contact.avatar_url)
      ? { ...conversation, contact: { ...conversation.contact, name: contact.name, avatar_url: contact.avatar_url } }
      : null;
  const list = useConversationListStore.getState();
  for (const conversation of Object.values(list.byId)) {
    const renamed = rename(conversation);
    if (renamed) list.applyConversation(renamed);
  }
  const threads = useThreadStore.getState();
  for (const thread of Object.values(threads.threads)) {
    const renamed = thread.conversation ? rename(thread.conversation) : null;
    if (renamed) threads.applyConversation(renamed);
  }
}

// Another workspace or another signed-in member: nothing shown so far may be theirs to see.
let scope = scopeOf(useAuthStore.getState());
useAuthStore.subscribe((state) => {
  const next = scopeOf(state);
  if (next === scope) return;
  scope = next;
  useContactStore.getState().reset();
});

function scopeOf(state: AuthState): string {
  return `${state.tenantSlug}/${state.user?.id ?? ''}`;
}
