import { IonButton, IonRouterLink, IonSpinner } from '@ionic/react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../shared/i18n/errors';
import { useQuickReplyStore } from '../../../shared/quickReplies/store';
import '../quickReplies.css';
import type { QuickReplySuggestions } from './useQuickReplies';

export const QUICK_REPLIES_SETTINGS_PATH = '/settings/quick-replies';

/**
 * The suggestions above the composer. Options never take the focus (mouse down is swallowed):
 * the agent keeps typing in the textarea, which points at the highlighted option through
 * aria-activedescendant.
 */
export function QuickReplyPopover({ state }: { state: QuickReplySuggestions }) {
  const { t } = useTranslation('inbox');
  const error = useQuickReplyStore((s) => s.error);
  const list = useRef<HTMLUListElement>(null);
  const { open, suggestions, active, status, empty, query } = state;

  // Keep the highlighted option in view while ↑/↓ walk a scrolled list.
  useEffect(() => {
    const option = list.current?.children[active] as HTMLElement | undefined;
    option?.scrollIntoView?.({ block: 'nearest' });
  }, [active, suggestions]);

  if (!open) return null;
  const loading = status === 'idle' || (status === 'loading' && suggestions.length === 0);
  return (
    <div className="atendo-quick-replies" onMouseDown={(e) => e.preventDefault()} data-testid="quick-replies">
      <div className="atendo-quick-replies-head">
        <span>{t('quickReplies.title')}</span>
        <span className="atendo-quick-replies-keys" aria-hidden="true">
          {t('quickReplies.keys')}
        </span>
      </div>
      {loading && (
        <p className="atendo-quick-replies-note" role="status">
          <IonSpinner name="dots" aria-hidden="true" /> {t('quickReplies.loading')}
        </p>
      )}
      {status === 'error' && (
        <p className="atendo-quick-replies-note" role="alert">
          {describeError(t, error)}{' '}
          <IonButton size="small" fill="clear" onClick={state.retry} data-testid="quick-replies-retry">
            {t('list.retry')}
          </IonButton>
        </p>
      )}
      {status === 'ready' && suggestions.length === 0 && (
        <p className="atendo-quick-replies-note" data-testid="quick-replies-empty">
          {empty ? t('quickReplies.none') : t('quickReplies.noMatch', { query })}{' '}
          <IonRouterLink routerLink={QUICK_REPLIES_SETTINGS_PATH} data-testid="quick-replies-settings">
            {empty ? t('quickReplies.create') : t('quickReplies.manage')}
          </IonRouterLink>
        </p>
      )}
      {suggestions.length > 0 && (
        <ul ref={list} id={state.listId} role="listbox" aria-label={t('quickReplies.title')} className="atendo-quick-replies-list">
          {suggestions.map((reply, index) => (
            <li
              key={reply.id}
              id={state.optionId(index)}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'is-active' : undefined}
              onMouseEnter={() => state.setActive(index)}
              onClick={() => state.pick(reply)}
              data-testid="quick-reply-option"
              data-shortcut={reply.shortcut}
            >
              <span className="atendo-quick-replies-line">
                <strong className="atendo-quick-replies-shortcut">/{reply.shortcut}</strong>
                <span className="atendo-quick-replies-title">{reply.title}</span>
                {reply.personal && <span className="atendo-quick-replies-badge">{t('quickReplies.personal')}</span>}
              </span>
              <span className="atendo-quick-replies-preview">{state.preview(reply)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
