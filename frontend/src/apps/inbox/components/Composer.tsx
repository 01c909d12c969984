import { IonButton, IonIcon } from '@ionic/react';
import { attach, close, lockClosed, send } from 'ionicons/icons';
import { type ChangeEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clearDraft, loadDraft, saveDraft } from '../drafts';
import { useEmojiComposer } from '../emoji/useEmojiComposer';
import { formatBytes } from '../format';
import type { SendRequest } from '../store/threadStore';
import { QuickReplyPopover } from './QuickReplyPopover';
import { SegmentedControl } from './SegmentedControl';
import { useQuickReplyComposer } from './useQuickReplies';

/** Re-announce "typing" at most this often while keys keep coming. */
const TYPING_REPEAT_MS = 3000;
/** Stop announcing after this much silence. */
const TYPING_IDLE_MS = 4000;

interface ComposerProps {
  tenant: string;
  conversationId: string;
  disabled?: boolean;
  onSend: (request: SendRequest) => void;
  onTyping?: (typing: boolean) => void;
}

/**
 * Reply or private note. Enter sends, Shift+Enter breaks the line. The text and the note toggle
 * are the conversation's draft, saved as they change so a reload or crash loses nothing.
 * Render it with `key={conversationId}`: each conversation starts from its own draft.
 */
export function Composer({ tenant, conversationId, disabled = false, onSend, onTyping }: ComposerProps) {
  const { t, i18n } = useTranslation('inbox');
  const [draft, setDraft] = useState(() => loadDraft(tenant, conversationId));
  const [files, setFiles] = useState<File[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const textInput = useRef<HTMLTextAreaElement>(null);
  const typing = useRef<{ lastSent: number; idle: ReturnType<typeof setTimeout> | undefined }>({
    lastSent: 0,
    idle: undefined,
  });

  useEffect(() => {
    const state = typing.current;
    return () => {
      if (state.lastSent) onTyping?.(false);
      clearTimeout(state.idle);
      state.lastSent = 0;
    };
  }, [conversationId, onTyping]);

  function announceTyping() {
    if (!onTyping) return;
    const state = typing.current;
    const now = Date.now();
    if (now - state.lastSent > TYPING_REPEAT_MS) {
      state.lastSent = now;
      onTyping(true);
    }
    clearTimeout(state.idle);
    state.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping() {
    const state = typing.current;
    clearTimeout(state.idle);
    if (state.lastSent) onTyping?.(false);
    state.lastSent = 0;
  }

  function update(body: string, isPrivate: boolean) {
    const next = { body, private: isPrivate };
    setDraft(next);
    saveDraft(tenant, conversationId, next);
  }

  const quickReplies = useQuickReplyComposer({
    tenant,
    conversationId,
    text: draft.body,
    inputRef: textInput,
    disabled,
    onApply: (body) => update(body, draft.private),
  });

  const emoji = useEmojiComposer({
    inputRef: textInput,
    text: draft.body,
    disabled,
    onInsert: (body) => {
      update(body, draft.private);
      if (!draft.private) announceTyping();
    },
  });

  function submit() {
    const body = draft.body.trim();
    if (disabled || (!body && files.length === 0)) return;
    onSend({ body, private: draft.private, files });
    stopTyping();
    setFiles([]);
    // The note toggle is kept: several notes in a row are common.
    update('', draft.private);
    if (!draft.private) clearDraft(tenant, conversationId);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (quickReplies.onKeyDown(event)) return;
    if (emoji.onKeyDown(event)) return;
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese…) is not "send".
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  function onPickFiles(event: ChangeEvent<HTMLInputElement>) {
    const picked = Array.from(event.target.files ?? []);
    if (picked.length) setFiles((current) => [...current, ...picked]);
    event.target.value = ''; // picking the same file again must fire change again
  }

  return (
    <form
      className={`atendo-composer${draft.private ? ' is-note' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      data-testid="composer"
    >
      <QuickReplyPopover state={quickReplies.suggestions} />
      {emoji.panel}
      <SegmentedControl
        aria-label={t('composer.mode')}
        className="atendo-composer-mode"
        value={draft.private ? 'note' : 'reply'}
        options={[
          { value: 'reply', label: t('composer.reply'), testId: 'composer-mode-reply' },
          {
            value: 'note',
            label: (
              <>
                <IonIcon icon={lockClosed} aria-hidden="true" /> {t('composer.note')}
              </>
            ),
            testId: 'composer-mode-note',
          },
        ]}
        onChange={(mode) => update(draft.body, mode === 'note')}
      />
      {files.length > 0 && (
        <ul className="atendo-composer-files" aria-label={t('composer.attachments')}>
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`}>
              <span>{file.name}</span> <small>{formatBytes(file.size, i18n.language)}</small>
              <button
                type="button"
                onClick={() => setFiles(files.filter((_, i) => i !== index))}
                aria-label={t('composer.removeFile', { name: file.name })}
              >
                <IonIcon icon={close} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="atendo-composer-row">
        <IonButton
          fill="clear"
          onClick={() => fileInput.current?.click()}
          disabled={disabled}
          aria-label={t('composer.attach')}
          data-testid="composer-attach"
        >
          <IonIcon slot="icon-only" icon={attach} aria-hidden="true" />
        </IonButton>
        <input ref={fileInput} type="file" multiple hidden onChange={onPickFiles} data-testid="composer-file" />
        {emoji.button}
        <textarea
          ref={textInput}
          {...quickReplies.inputProps}
          {...emoji.inputProps}
          className="atendo-composer-input"
          value={draft.body}
          rows={1}
          disabled={disabled}
          placeholder={draft.private ? t('composer.notePlaceholder') : t('composer.replyPlaceholder')}
          aria-label={draft.private ? t('composer.notePlaceholder') : t('composer.replyPlaceholder')}
          onChange={(e) => {
            update(e.target.value, draft.private);
            if (!draft.private && e.target.value) announceTyping();
          }}
          onKeyDown={onKeyDown}
          onBlur={stopTyping}
          data-testid="composer-input"
        />
        <IonButton
          type="submit"
          disabled={disabled || (!draft.body.trim() && files.length === 0)}
          aria-label={draft.private ? t('composer.addNote') : t('composer.send')}
          data-testid="composer-send"
        >
          <IonIcon slot="icon-only" icon={send} aria-hidden="true" />
        </IonButton>
      </div>
      <div className="atendo-composer-hint">{t('composer.hint')}</div>
    </form>
  );
}
