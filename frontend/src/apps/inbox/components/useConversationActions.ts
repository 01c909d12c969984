import { useState } from 'react';
import { ApiError } from '../../../shared/api';
import type { AssignRequest, Conversation, ConversationStatus } from '../../../shared/api/types';
import { assignConversation, setConversationStatus } from '../api';
import { useConversationListStore } from '../store/listStore';
import { useThreadStore } from '../store/threadStore';
import type { TransferTarget } from './TransferModal';

/** Assignment, transfer and status changes, applied to both stores as the server answers. */
export function useConversationActions(conversationId: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function run(action: () => Promise<Conversation>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      const conversation = await action();
      useConversationListStore.getState().applyConversation(conversation);
      useThreadStore.getState().applyConversation(conversation);
      return true;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 404) forget();
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  }

  function forget() {
    useThreadStore.getState().markGone(conversationId);
    useConversationListStore.getState().remove(conversationId);
  }

  const assign = (request: AssignRequest) => run(() => assignConversation(conversationId, request));

  return {
    busy,
    error,
    clearError: () => setError(null),
    assignTo: (memberId: string | null) => assign({ assignee: memberId }),
    transfer: async ({ department, team, note }: TransferTarget) => {
      // The assignee is cleared: the receiving unit (or its round robin) picks who answers.
      const done = await assign(team ? { team, note, assignee: null } : { department, note, assignee: null });
      // Outside the new department's scope the conversation is no longer ours to see.
      if (done) await useThreadStore.getState().resync(conversationId);
      if (useThreadStore.getState().threads[conversationId]?.status === 'gone') forget();
      return done;
    },
    setStatus: (status: ConversationStatus, snoozedUntil?: Date) =>
      run(() =>
        setConversationStatus(conversationId, {
          status,
          snoozed_until: snoozedUntil ? snoozedUntil.toISOString() : null,
        }),
      ),
  };
}
