import { ApiError } from '../../shared/api';
import { realtime } from '../../shared/realtime';
import { fetchConversation } from './api';
import { useConversationListStore } from './store/listStore';
import { useThreadStore } from './store/threadStore';

const myMemberId = () => useConversationListStore.getState().myMemberId;

/** A conversation left one of my streams: drop it only if the API says I can no longer see it
 * (another department, team or assignment of mine may still show it). */
async function recheckVisibility(conversationId: string): Promise<void> {
  try {
    const conversation = await fetchConversation(conversationId);
    useConversationListStore.getState().applyConversation(conversation);
    useThreadStore.getState().applyConversation(conversation);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      useConversationListStore.getState().remove(conversationId);
      useThreadStore.getState().markGone(conversationId);
    }
  }
}

/** The inbox's event → handler map: socket frames into the list and thread stores. */
export function bindInboxRealtime(): () => void {
  return realtime.on({
    'conversation.updated': ({ conversation }) => {
      useConversationListStore.getState().applyConversation(conversation);
      useThreadStore.getState().applyConversation(conversation);
    },
    'conversation.removed': ({ conversation_id }) => void recheckVisibility(conversation_id),
    'message.created': ({ message }) => useThreadStore.getState().applyMessage(message),
    'message.updated': ({ message }) => useThreadStore.getState().applyMessage(message),
    typing: (frame) => useThreadStore.getState().applyTyping(frame, myMemberId()),
    'viewers.snapshot': (frame) => useThreadStore.getState().applyViewersSnapshot(frame, myMemberId()),
    'viewers.changed': (frame) => useThreadStore.getState().applyViewerChange(frame, myMemberId()),
  });
}
