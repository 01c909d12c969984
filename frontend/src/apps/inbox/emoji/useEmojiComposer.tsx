import { IonButton, IonIcon } from '@ionic/react';
import happyOutlineSvg from 'ionicons-svg/happy-outline.svg?raw';
import {
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  Suspense,
  lazy,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { svgIcon } from '../../../shared/ui/svgIcon';
import { useMediaQuery } from '../useMediaQuery';
import { closedShortcodeAt, insertAt, shortcodeAt } from './insert';
import { preferredTone, rememberEmoji } from './recents';
import './emojiComposer.css';

// The picker, its styles and the emoji data stay out of the inbox bundle until first needed.
const EmojiPicker = lazy(() => import('./EmojiPicker'));
const loadTools = () => import('./tools');
const happyOutline = svgIcon(happyOutlineSvg);
type Tools = Awaited<ReturnType<typeof loadTools>>;

/** A floating picker beside the button from here up; below, a sheet rising from the composer. */
export const EMOJI_POPOVER_QUERY = '(min-width: 768px)';
export const MAX_SUGGESTIONS = 6;

interface Options {
  inputRef: RefObject<HTMLTextAreaElement | null>;
  text: string;
  disabled?: boolean;
  /** The composer's new text after an insertion. */
  onInsert: (text: string) => void;
}

export interface EmojiComposer {
  /** The toolbar button that opens and closes the picker. */
  button: ReactNode;
  /** The picker and the `:shortcode` suggestions: render inside the composer form. */
  panel: ReactNode;
  /** Call from the textarea's keydown (after other popovers); true when the key was used here. */
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => boolean;
  /** Spread on the textarea (after other popovers' props): ties it to the suggestions when shown. */
  inputProps: { 'aria-controls'?: string; 'aria-activedescendant'?: string };
}

/** Inserts `emoji` at the caret (or over [from, caret)) and puts the caret right after it. */
type Insert = (emoji: string, from?: number) => HTMLTextAreaElement | null;

/**
 * Emoji in the composer: a picker (lazy: code, styles and the UI language's data load on
 * first open) that inserts at the caret, and `:word` suggestions while typing (`:coração`,
 * `:+1`), completed with Enter or Tab; a whole `:shortcode:` turns into its emoji at once.
 */
export function useEmojiComposer({ inputRef, text, disabled = false, onInsert }: Options): EmojiComposer {
  const { t, i18n } = useTranslation('inbox');
  const popover = useMediaQuery(EMOJI_POPOVER_QUERY);
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLSpanElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const caret = useCaret(inputRef);

  const insert: Insert = useCallback(
    (emoji, from) => {
      const input = inputRef.current;
      const value = input?.value ?? text;
      const end = input?.selectionEnd ?? value.length;
      const next = insertAt(value, emoji, from ?? input?.selectionStart ?? end, end);
      // Apply now, so the caret can be placed after the emoji in the updated textarea.
      flushSync(() => onInsert(next.text));
      rememberEmoji(emoji);
      input?.setSelectionRange(next.caret, next.caret);
      caret.set(next.caret);
      return input;
    },
    [inputRef, text, onInsert, caret],
  );

  const suggest = useSuggestions({ inputRef, text, caret: caret.position, disabled, language: i18n.language, insert });

  const close = useCallback(
    (refocus: boolean) => {
      setOpen(false);
      if (refocus) inputRef.current?.focus();
    },
    [inputRef],
  );

  // A click or tap elsewhere closes it; on desktop the textarea may be clicked (caret moves).
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node | null;
      if (!target || panel.current?.contains(target) || anchor.current?.contains(target)) return;
      if (popover && target === inputRef.current) return;
      setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, popover, inputRef]);

  // On phones, typing in the textarea brings the keyboard up: the sheet gives way.
  useEffect(() => {
    const input = inputRef.current;
    if (!open || popover || !input) return;
    const onFocus = () => setOpen(false);
    input.addEventListener('focus', onFocus);
    return () => input.removeEventListener('focus', onFocus);
  }, [open, popover, inputRef]);

  const onPick = useCallback(
    (emoji: string, via: 'pointer' | 'keyboard') => {
      const input = insert(emoji);
      // Desktop clicks go on typing in the textarea; keyboard picks stay in the picker (the
      // next emoji is an arrow away); on phones the sheet stays up and the keyboard down.
      if (popover && via === 'pointer') input?.focus();
    },
    [insert, popover],
  );

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
      if (suggest.onKeyDown(event)) return true;
      if (open && event.key === 'Escape') {
        event.preventDefault();
        close(false);
        return true;
      }
      return false;
    },
    [suggest, open, close],
  );

  const label = open ? t('emoji.close') : t('emoji.open');
  const button = (
    <span ref={anchor} className="atendo-emoji-anchor">
      <IonButton
        fill="clear"
        disabled={disabled}
        onClick={() => (open ? close(popover) : setOpen(true))}
        // Start fetching while the pointer is on its way to a click.
        onPointerEnter={() => void loadTools().then((tools) => tools.loadEmojiIndex(i18n.language)).catch(() => undefined)}
        aria-label={label}
        aria-expanded={open}
        title={label}
        data-testid="composer-emoji"
      >
        <IonIcon slot="icon-only" icon={happyOutline} aria-hidden="true" />
      </IonButton>
    </span>
  );

  const panelNode = open ? (
    <div ref={panel} className={`atendo-emoji-panel ${popover ? 'is-popover' : 'is-sheet'}`} data-testid="emoji-panel">
      <Suspense fallback={<div className="atendo-emoji-panel-loading" aria-busy="true" />}>
        <EmojiPicker language={i18n.language} onPick={onPick} onClose={() => close(true)} focusSearch={popover} />
      </Suspense>
    </div>
  ) : (
    suggest.list
  );

  return { button, panel: panelNode, onKeyDown, inputProps: open ? {} : suggest.inputProps };
}

/**
 * Where the caret is in the textarea (null while text is selected), through its own events.
 * Not `input`: a re-render from a native input listener runs before React's onChange has taken
 * the new text (in a real browser microtasks run between listeners), and would reset the
 * controlled textarea to the old text. Keys end with keyup, after the text is in.
 */
function useCaret(inputRef: RefObject<HTMLTextAreaElement | null>) {
  const [position, set] = useState<number | null>(null);
  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    const track = () => set(input.selectionStart === input.selectionEnd ? input.selectionStart : null);
    const events = ['keyup', 'click', 'select', 'focus'] as const;
    for (const name of events) input.addEventListener(name, track);
    return () => {
      for (const name of events) input.removeEventListener(name, track);
    };
  }, [inputRef]);
  return useMemo(() => ({ position, set }), [position]);
}

interface SuggestionOptions {
  inputRef: RefObject<HTMLTextAreaElement | null>;
  text: string;
  caret: number | null;
  disabled: boolean;
  language: string;
  insert: Insert;
}

/** `:word` suggestions: the token before the caret, the lazily loaded index, the list. */
function useSuggestions({ inputRef, text, caret, disabled, language, insert }: SuggestionOptions) {
  const { t } = useTranslation('inbox');
  const [tools, setTools] = useState<{ module: Tools; index: Awaited<ReturnType<Tools['loadEmojiIndex']>> } | null>(null);
  // The token start closed with Esc: stays closed until another `:` starts a token.
  const [dismissed, setDismissed] = useState<number | null>(null);
  // The highlighted option, for the query it was chosen in (a new query starts at the top).
  const [highlight, setHighlight] = useState({ key: '', index: 0 });
  const listId = `${useId()}-emoji-suggestions`;

  const token = disabled || caret === null || caret > text.length ? null : shortcodeAt(text, caret);
  const wanted = token !== null;

  // The data loads the first time a `:word` is typed.
  useEffect(() => {
    if (!wanted || tools) return;
    loadTools()
      .then(async (module) => setTools({ module, index: await module.loadEmojiIndex(language) }))
      .catch(() => undefined); // offline: no suggestions, typing goes on
  }, [wanted, tools, language]);

  const matches =
    token && tools && token.start !== dismissed ? tools.module.searchEmoji(tools.index.emojis, token.query, MAX_SUGGESTIONS) : [];
  const key = `${token?.start}:${token?.query}`;
  const active = highlight.key === key ? Math.min(highlight.index, Math.max(matches.length - 1, 0)) : 0;
  const setActive = (index: number) => setHighlight({ key, index });
  const tone = preferredTone();

  function pick(position: number) {
    const emoji = matches[position];
    if (!emoji || !token || !tools) return;
    insert(tools.module.withTone(emoji, tone), token.start);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (event.nativeEvent.isComposing) return false;
    const input = inputRef.current;
    // `:heart:` — the closing colon turns a known shortcode into its emoji.
    if (event.key === ':' && tools && input && input.selectionStart === input.selectionEnd) {
      const caret = input.selectionStart ?? 0;
      const closed = closedShortcodeAt(`${input.value.slice(0, caret)}:`, caret + 1);
      const emoji = closed ? tools.index.byShortcode.get(closed.code) : undefined;
      if (closed && emoji) {
        event.preventDefault();
        insert(tools.module.withTone(emoji, tone), closed.start);
        return true;
      }
    }
    if (!matches.length) return false;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        event.preventDefault();
        setActive((active + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
        return true;
      case 'Enter':
      case 'Tab':
        if (event.shiftKey) return false;
        event.preventDefault();
        pick(active);
        return true;
      case 'Escape':
        event.preventDefault();
        setDismissed(token?.start ?? null);
        return true;
      default:
        return false;
    }
  }

  const shown = matches.length > 0;
  const list = shown ? (
    <ul
      id={listId}
      role="listbox"
      aria-label={t('emoji.suggestions')}
      className="atendo-emoji-suggestions"
      // Options never take the focus: typing goes on in the textarea.
      onMouseDown={(e) => e.preventDefault()}
      data-testid="emoji-suggestions"
    >
      {matches.map((emoji, position) => (
        <li
          key={emoji.emoji}
          id={`${listId}-${position}`}
          role="option"
          aria-selected={position === active}
          className={position === active ? 'is-active' : undefined}
          onMouseEnter={() => setActive(position)}
          onClick={() => pick(position)}
          data-testid="emoji-suggestion"
        >
          <span className="atendo-emoji-suggestion-glyph">{tools?.module.withTone(emoji, tone)}</span>
          <span className="atendo-emoji-suggestion-label">{emoji.label}</span>
          {emoji.shortcodes[0] && <small>:{emoji.shortcodes[0]}:</small>}
        </li>
      ))}
    </ul>
  ) : null;

  return {
    onKeyDown,
    list,
    inputProps: shown ? { 'aria-controls': listId, 'aria-activedescendant': `${listId}-${active}` } : {},
  };
}
