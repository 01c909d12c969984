import { realtime } from '../../shared/realtime';
import { useConversationListStore } from './store/listStore';
import { useThreadStore } from './store/threadStore';

const myMemberId = () => useConversationListStore.getState().myMemberId;

/** The inbox's event → handler map: socket frames into the list and thread stores. */
export function bindInboxRealtime(): () => void {
  return realtime.on({
    'conversation.updated': ({ conversation }) => {
      useConversationListStore.getState().applyConversation(conversation);
      useThreadStore.getState().applyConversation(conversation);
    },
    'message.created': ({ message }) => useThreadStore.getState().applyMessage(message),
    'message.updated': ({ message }) => useThreadStore.getState().applyMessage(message),
    typing: (frame) => useThreadStore.getState().applyTyping(frame, myMemberId()),
    'viewers.snapshot': (frame) => useThreadStore.getState().applyViewersSnapshot(frame, myMemberId()),
    'viewers.changed': (frame) => useThreadStore.getState().applyViewerChange(frame, myMemberId()),
  });
}
