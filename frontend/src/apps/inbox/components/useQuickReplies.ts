import { type KeyboardEvent, type RefObject, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { QuickReply } from '../../../shared/api/types';
import { selectCurrentMembership, useAuthStore } from '../../../shared/auth/store';
import { fetchQuickReplies, recordQuickReplyUse } from '../../../shared/quickReplies/api';
import { applyToken, findSlashToken, mergeById, rankQuickReplies } from '../../../shared/quickReplies/match';
import { type PlaceholderContext, fillPlaceholders } from '../../../shared/quickReplies/placeholders';
import { type QuickReplyCacheStatus, useQuickReplyStore } from '../../../shared/quickReplies/store';
import { useThreadStore } from '../store/threadStore';

/** At most this many suggestions are listed (the list scrolls); typing narrows it. */
export const MAX_SUGGESTIONS = 50;
/** Server search for tenants with more replies than the cached page: wait for a pause in typing. */
const SEARCH_DEBOUNCE_MS = 200;

interface Options {
  tenant: string;
  conversationId: string;
  text: string;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  disabled?: boolean;
  /** The composer's new text after an insertion. */
  onApply: (text: string) => void;
}

export interface QuickReplySuggestions {
  open: boolean;
  query: string;
  status: QuickReplyCacheStatus;
  /** No reply at all is available to this member (not merely none matching). */
  empty: boolean;
  suggestions: QuickReply[];
  active: number;
  listId: string;
  optionId: (index: number) => string;
  setActive: (index: number) => void;
  pick: (reply: QuickReply) => void;
  retry: () => void;
  /** What an inserted reply would read like here (placeholders filled in). */
  preview: (reply: QuickReply) => string;
}

export interface QuickReplyComposer {
  /** Call first from the textarea's keydown; true when the suggestions consumed the key. */
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => boolean;
  /** Spread on the textarea: ties it to the list for screen readers. */
  inputProps: {
    'aria-autocomplete': 'list';
    'aria-controls': string | undefined;
    'aria-activedescendant': string | undefined;
  };
  suggestions: QuickReplySuggestions;
}

/** The conversation's contact and the signed-in agent, for the placeholders. */
function usePlaceholderContext(conversationId: string): PlaceholderContext {
  const contact = useThreadStore((s) => s.threads[conversationId]?.conversation?.contact ?? null);
  const membership = useAuthStore(selectCurrentMembership);
  const userName = useAuthStore((s) => s.user?.name ?? '');
  const agentName = membership?.display_name || userName;
  return useMemo(() => ({ contact, agent: { name: agentName } }), [contact, agentName]);
}

/**
 * Quick replies in the composer: typing `/` at the start or after a space opens suggestions
 * that narrow as the agent types; ↑/↓ move, Enter or Tab insert (the `/query` becomes the
 * reply, placeholders filled in), Esc closes until the next slash. The caret is followed
 * through the textarea's own events, so the composer only passes its text and ref.
 */
export function useQuickReplyComposer({ tenant, conversationId, text, inputRef, disabled = false, onApply }: Options): QuickReplyComposer {
  const [caret, setCaret] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);
  // The token start the agent closed with Esc (or just filled): stays closed until another slash.
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  // The highlighted option, for the list it was chosen in (a new query starts at the top).
  const [highlight, setHighlight] = useState<{ key: string; index: number }>({ key: '', index: 0 });
  const [remote, setRemote] = useState<{ query: string; replies: QuickReply[] } | null>(null);
  const pendingCaret = useRef<number | null>(null);
  const baseId = useId();
  const listId = `${baseId}-quick-replies`;
  const optionId = useCallback((index: number) => `${baseId}-quick-reply-${index}`, [baseId]);

  // Follow the caret: typing, clicks, arrow keys and selection changes all move it. Listened to
  // on the document, after React's own listener on the root: a state update made before React
  // handles a real keystroke re-renders the controlled textarea with the old text and loses it.
  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    const track = () => {
      const position = input.selectionStart === input.selectionEnd ? input.selectionStart : null;
      setCaret(position);
      // A slash somewhere else (or none) forgets the last Esc.
      const start = position === null ? null : (findSlashToken(input.value, position)?.start ?? null);
      setDismissedAt((dismissed) => (dismissed === start ? dismissed : null));
    };
    const onDocumentEvent = (event: Event) => {
      if (event.target === input) track();
    };
    const focus = () => {
      setFocused(true);
      track();
    };
    const blur = () => setFocused(false);
    const doc = input.ownerDocument;
    const events = ['input', 'change', 'keyup', 'click', 'select'] as const;
    for (const name of events) doc.addEventListener(name, onDocumentEvent);
    input.addEventListener('focus', focus);
    input.addEventListener('blur', blur);
    if (doc.activeElement === input) focus();
    return () => {
      for (const name of events) doc.removeEventListener(name, onDocumentEvent);
      input.removeEventListener('focus', focus);
      input.removeEventListener('blur', blur);
    };
  }, [inputRef]);

  const token = caret === null || caret > text.length ? null : findSlashToken(text, caret);
  const open = token !== null && focused && !disabled && token.start !== dismissedAt;
  const query = token?.query ?? '';

  const status = useQuickReplyStore((s) => (s.tenant === tenant ? s.status : 'idle'));
  const cached = useQuickReplyStore((s) => (s.tenant === tenant ? s.replies : null));
  const complete = useQuickReplyStore((s) => s.complete);

  useEffect(() => {
    if (open) void useQuickReplyStore.getState().load(tenant);
  }, [open, tenant]);

  // More replies than the cached page: ask the server too, once typing pauses.
  useEffect(() => {
    if (!open || complete || status !== 'ready' || !query) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetchQuickReplies({ q: query, pageSize: MAX_SUGGESTIONS, signal: controller.signal }).then(
        (page) => setRemote({ query, replies: page.results }),
        () => undefined, // the cached page still answers
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [open, complete, status, query]);

  const suggestions = useMemo(() => {
    const pool = remote && remote.query === query ? mergeById(cached ?? [], remote.replies) : (cached ?? []);
    return rankQuickReplies(pool, query).slice(0, MAX_SUGGESTIONS);
  }, [cached, remote, query]);

  const highlightKey = `${token?.start ?? ''}:${query}`;
  const activeIndex = highlight.key === highlightKey ? Math.min(highlight.index, Math.max(suggestions.length - 1, 0)) : 0;
  const setActive = useCallback((index: number) => setHighlight({ key: highlightKey, index }), [highlightKey]);

  const context = usePlaceholderContext(conversationId);
  const preview = useCallback((reply: QuickReply) => fillPlaceholders(reply.body, context), [context]);

  // After an insertion (once the new text is in the textarea), put the caret right after it.
  useLayoutEffect(() => {
    const input = inputRef.current;
    if (pendingCaret.current === null || !input) return;
    input.focus();
    input.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  });

  const pick = useCallback(
    (reply: QuickReply) => {
      if (!token) return;
      const next = applyToken(text, token, preview(reply));
      pendingCaret.current = next.caret;
      setCaret(next.caret);
      onApply(next.text);
      useQuickReplyStore.getState().markUsed(reply.id);
      void recordQuickReplyUse(reply.id).catch(() => undefined); // ranking only: never worth an error
    },
    [token, text, preview, onApply],
  );

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
      if (!open || !token || event.nativeEvent.isComposing) return false;
      const count = suggestions.length;
      switch (event.key) {
        case 'ArrowDown':
        case 'ArrowUp':
          if (count === 0) return false;
          event.preventDefault();
          setActive((activeIndex + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
          return true;
        case 'Enter':
        case 'Tab': {
          // Nothing to insert: Enter keeps sending, Tab keeps moving focus.
          const reply = suggestions[activeIndex];
          if (!reply || event.shiftKey) return false;
          event.preventDefault();
          pick(reply);
          return true;
        }
        case 'Escape':
          event.preventDefault();
          setDismissedAt(token.start);
          return true;
        default:
          return false;
      }
    },
    [open, token, suggestions, activeIndex, pick, setActive],
  );

  const optionShown = open && suggestions.length > 0;
  return {
    onKeyDown,
    inputProps: {
      'aria-autocomplete': 'list',
      'aria-controls': optionShown ? listId : undefined,
      'aria-activedescendant': optionShown ? optionId(activeIndex) : undefined,
    },
    suggestions: {
      open,
      query,
      status,
      empty: status === 'ready' && complete && (cached?.length ?? 0) === 0,
      suggestions,
      active: activeIndex,
      listId,
      optionId,
      setActive,
      pick,
      retry: () => void useQuickReplyStore.getState().load(tenant, { force: true }),
      preview,
    },
  };
}
