import { create } from 'zustand';

/**
 * Wide enough for list, conversation and the contact column side by side beside the app menu
 * (which takes 28% of the window): the conversation keeps about 420 px. Narrower, a modal.
 */
export const CONTACT_COLUMN_QUERY = '(min-width: 1440px)';

const STORAGE_KEY = 'atendo.inbox.contactPanel';

function remembered(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'open';
  } catch {
    return false;
  }
}

function remember(open: boolean): void {
  try {
    localStorage.setItem(STORAGE_KEY, open ? 'open' : 'closed');
  } catch {
    // Private mode or full storage: the choice still holds until the page reloads.
  }
}

/**
 * Whether the contact panel shows. On wide screens it is a third column whose open/closed state
 * is remembered across visits; on narrower ones it is a modal opened on demand, never reopened
 * by itself when the next conversation opens.
 */
export interface ContactPanelState {
  columnOpen: boolean;
  modalOpen: boolean;
  setColumnOpen: (open: boolean) => void;
  setModalOpen: (open: boolean) => void;
  /** Re-read the remembered choice (another tab may have changed it). */
  reload: () => void;
}

export const useContactPanelStore = create<ContactPanelState>()((set) => ({
  columnOpen: remembered(),
  modalOpen: false,
  setColumnOpen: (open) => {
    remember(open);
    set({ columnOpen: open });
  },
  setModalOpen: (open) => set({ modalOpen: open }),
  reload: () => set({ columnOpen: remembered() }),
}));
