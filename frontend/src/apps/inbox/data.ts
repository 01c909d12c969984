import { selectCurrentMembership, useAuthStore } from '../../shared/auth/store';
import { initI18n } from '../../shared/i18n';
import { useDirectoryStore } from './store/directoryStore';
import { useConversationListStore } from './store/listStore';
import { useThreadStore } from './store/threadStore';

/** Whose inbox the stores hold: coming back to the page keeps them, another tenant clears them. */
let loadedScope: string | null = null;

/**
 * Loads the list's first page and the directory for this tenant and member, unless they are
 * already shown or on their way for the same ones (started at boot, or a return to the page:
 * the stream's resync catches up). Another tenant or member clears what the stores hold first.
 */
export function loadInboxData(tenant: string | null, memberId: string | null): void {
  const scope = `${tenant}/${memberId}`;
  const list = useConversationListStore.getState();
  if (scope === loadedScope && (list.status === 'ready' || list.status === 'loading')) return;
  if (loadedScope !== null && loadedScope !== scope) {
    // Another tenant or member: nothing shown so far may be theirs to see.
    list.reset();
    useThreadStore.getState().reset();
  }
  loadedScope = scope;
  list.setMyMemberId(memberId);
  if (!tenant) return;
  void list.load();
  void useDirectoryStore.getState().load(tenant);
}

/**
 * Called at boot when a signed-in user opens the inbox (main.tsx, which also asks for the page's
 * code): its first data and its texts are requested together with the code, instead of waiting
 * for the code to load and render first — on a cold load that waterfall was most of the time to
 * a usable inbox (bench/inbox_page_load.mjs).
 */
export function preloadInbox(): void {
  void initI18n().then((i18n) => i18n.loadNamespaces('inbox'));
  const auth = useAuthStore.getState();
  loadInboxData(auth.tenantSlug, selectCurrentMembership(auth)?.id ?? null);
}
