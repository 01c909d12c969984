import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { useConversationListStore } from '../store/listStore';
import { formatListTime } from '../format';
import { Avatar } from './Avatar';
import { ChannelIcon } from './ChannelIcon';
import { ConversationSla } from './ConversationSla';

interface ConversationRowProps {
  id: string;
  selected: boolean;
  onOpen: (id: string) => void;
}

/** One line of the inbox; subscribes to its own conversation so only changed rows re-render. */
export const ConversationRow = memo(function ConversationRow({ id, selected, onOpen }: ConversationRowProps) {
  const { t, i18n } = useTranslation('inbox');
  const conversation = useConversationListStore((s) => s.byId[id]);
  if (!conversation) return null;
  const { contact, assignee, unread_count: unread } = conversation;
  const name = contact.name || t('list.unnamedContact');
  return (
    <button
      type="button"
      className={`atendo-conv-row${selected ? ' is-selected' : ''}${unread > 0 ? ' is-unread' : ''}`}
      onClick={() => onOpen(id)}
      aria-current={selected ? 'true' : undefined}
      data-testid="conversation-row"
      data-conversation-id={id}
    >
      <Avatar id={contact.id} name={name} imageUrl={contact.avatar_url || undefined} />
      <span className="atendo-conv-main">
        <span className="atendo-conv-line">
          <ChannelIcon kind={conversation.account.kind} />
          <span className="atendo-conv-name" data-testid="conversation-name">
            {name}
          </span>
          <time className="atendo-conv-time" dateTime={conversation.last_activity_at}>
            {formatListTime(conversation.last_activity_at, i18n.language)}
          </time>
        </span>
        <span className="atendo-conv-line">
          <span className="atendo-conv-preview" data-testid="conversation-preview">
            {conversation.last_message_preview || t('list.noMessages')}
          </span>
          <ConversationSla conversation={conversation} />
          {conversation.status !== 'open' && (
            <span className={`atendo-status-chip is-${conversation.status}`}>{t(`status.${conversation.status}`)}</span>
          )}
          {assignee ? (
            <Avatar id={assignee.id} name={assignee.display_name} size="small" title={t('list.assignedTo', { name: assignee.display_name })} />
          ) : (
            <span className="atendo-conv-unassigned" title={t('list.unassigned')} />
          )}
          {unread > 0 && (
            <span className="atendo-unread" data-testid="unread-badge" aria-label={t('list.unread', { count: unread })}>
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </span>
      </span>
    </button>
  );
});
