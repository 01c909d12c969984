import { IonSpinner } from '@ionic/react';
import { type KeyboardEvent, type MouseEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EMOJI_GROUPS, type Emoji, type EmojiIndex, loadEmojiIndex, withTone } from './data';
import { preferredTone, recentEmoji, rememberTone } from './recents';
import { SKIN_TONES } from './rows';
import { searchEmoji } from './search';
import './emoji.css';

/** Group → i18n key and the emoji on its tab. */
const GROUPS: Record<number, { key: string; icon: string }> = {
  0: { key: 'smileys', icon: '😀' },
  1: { key: 'people', icon: '👋' },
  3: { key: 'animals', icon: '🐻' },
  4: { key: 'food', icon: '🍔' },
  5: { key: 'travel', icon: '✈️' },
  6: { key: 'activities', icon: '⚽' },
  7: { key: 'objects', icon: '💡' },
  8: { key: 'symbols', icon: '❤️' },
  9: { key: 'flags', icon: '🏳️' },
};
const RECENT = 'recent';
type Tab = typeof RECENT | number;

function tabsFor(hasRecent: boolean): Tab[] {
  return hasRecent ? [RECENT, ...EMOJI_GROUPS] : [...EMOJI_GROUPS];
}

export interface EmojiPickerProps {
  language: string;
  /** `keyboard`: chosen with Enter/Space (focus stays in the picker); `pointer`: clicked or tapped. */
  onPick: (emoji: string, via: 'pointer' | 'keyboard') => void;
  onClose: () => void;
  /** Desktop: typing starts in the search field. Phones: no field focus (no on-screen keyboard). */
  focusSearch: boolean;
}

/**
 * Categories (one rendered at a time, so the grid stays small), search by name and keywords
 * in the UI language, recently used emoji first, skin tones. Arrow keys move between emoji,
 * Enter picks, Escape closes.
 */
export default function EmojiPicker({ language, onPick, onClose, focusSearch }: EmojiPickerProps) {
  const { t } = useTranslation('inbox');
  const [index, setIndex] = useState<EmojiIndex | null>(null);
  const [failed, setFailed] = useState(false);
  const [query, setQuery] = useState('');
  const [recents, setRecents] = useState(recentEmoji);
  const [tab, setTab] = useState<Tab>(() => (recentEmoji().length ? RECENT : 0));
  const [tone, setTone] = useState(preferredTone);
  const [choosingTone, setChoosingTone] = useState(false);
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    loadEmojiIndex(language).then(
      (loaded) => live && setIndex(loaded),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [language]);

  useEffect(() => {
    if (focusSearch) search.current?.focus();
  }, [focusSearch]);

  const shown: { emoji: string; label: string; shortcode: string }[] = useMemo(() => {
    if (!index) return [];
    const describe = (e: Emoji, form = withTone(e, tone)) => ({ emoji: form, label: e.label, shortcode: e.shortcodes[0] ?? '' });
    if (query.trim()) return searchEmoji(index.emojis, query).map((e) => describe(e));
    if (tab === RECENT) {
      return recents.map((form) => {
        const known = index.byForm.get(form);
        return { emoji: form, label: known?.label ?? form, shortcode: known?.shortcodes[0] ?? '' };
      });
    }
    return (index.byGroup.get(tab) ?? []).map((e) => describe(e));
  }, [index, query, tab, tone, recents]);

  const heading = query.trim()
    ? t('emoji.results', { count: shown.length })
    : tab === RECENT
      ? t('emoji.groups.recent')
      : t(`emoji.groups.${GROUPS[tab]?.key ?? 'smileys'}`);
  const preview = shown[Math.min(active, shown.length - 1)];

  function choose(emoji: string, event: MouseEvent<HTMLButtonElement>) {
    // A click from Enter/Space has no pointer position (detail 0).
    onPick(emoji, event.detail === 0 ? 'keyboard' : 'pointer');
    setRecents(recentEmoji());
  }

  function focusCell(position: number) {
    const cells = grid.current?.querySelectorAll<HTMLButtonElement>('button');
    if (!cells?.length) return;
    const next = Math.max(0, Math.min(position, cells.length - 1));
    setActive(next);
    cells[next]?.focus();
  }

  /** Columns as laid out (the grid wraps to the picker's width). */
  function columns(): number {
    const cells = grid.current?.querySelectorAll<HTMLElement>('button');
    if (!cells || cells.length < 2) return 8;
    const top = cells[0]?.offsetTop ?? 0;
    let count = 0;
    while (count < cells.length && cells[count]?.offsetTop === top) count++;
    return count > 1 && count < cells.length ? count : 8;
  }

  function onGridKey(event: KeyboardEvent<HTMLDivElement>) {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns(), ArrowUp: -columns() };
    if (event.key in moves) {
      event.preventDefault();
      const target = active + (moves[event.key] ?? 0);
      if (target < 0 && event.key === 'ArrowUp') search.current?.focus();
      else focusCell(target);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      focusCell(event.key === 'Home' ? 0 : shown.length - 1);
    }
  }

  function onSearchKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      focusCell(0);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const first = shown[0];
      if (query.trim() && first) {
        onPick(first.emoji, 'keyboard');
        setRecents(recentEmoji());
      }
    } else if (event.key === 'Escape' && query) {
      event.preventDefault();
      event.stopPropagation(); // the first Escape clears the search, the next one closes
      setQuery('');
    }
  }

  function onTabKey(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const tabs = tabsFor(recents.length > 0);
    const next = tabs[(tabs.indexOf(tab) + (event.key === 'ArrowRight' ? 1 : -1) + tabs.length) % tabs.length] ?? 0;
    selectTab(next);
    event.currentTarget.querySelector<HTMLButtonElement>(`[data-tab="${next}"]`)?.focus();
  }

  function selectTab(next: Tab) {
    setQuery('');
    setTab(next);
    setActive(0);
    grid.current?.parentElement?.scrollTo?.({ top: 0 });
  }

  function pickTone(next: number) {
    setTone(next);
    rememberTone(next);
    setChoosingTone(false);
  }

  return (
    <div
      className="atendo-emoji-picker"
      role="dialog"
      aria-label={t('emoji.title')}
      data-testid="emoji-picker"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="atendo-emoji-top">
        <input
          ref={search}
          type="search"
          className="atendo-emoji-search"
          value={query}
          placeholder={t('emoji.search')}
          aria-label={t('emoji.search')}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onSearchKey}
          data-testid="emoji-search"
        />
        <button
          type="button"
          className="atendo-emoji-tone-button"
          aria-label={t('emoji.skinTone')}
          aria-expanded={choosingTone}
          title={t('emoji.skinTone')}
          onClick={() => setChoosingTone(!choosingTone)}
          data-testid="emoji-tone"
        >
          {tone ? `✋${SKIN_TONES[tone - 1]}` : '✋'}
        </button>
      </div>
      {choosingTone && (
        <div className="atendo-emoji-tones" role="radiogroup" aria-label={t('emoji.skinTone')}>
          {[0, 1, 2, 3, 4, 5].map((option) => (
            <button
              key={option}
              type="button"
              role="radio"
              aria-checked={tone === option}
              aria-label={t(`emoji.tones.${option}`)}
              title={t(`emoji.tones.${option}`)}
              onClick={() => pickTone(option)}
              data-testid={`emoji-tone-${option}`}
            >
              {option ? `✋${SKIN_TONES[option - 1]}` : '✋'}
            </button>
          ))}
        </div>
      )}
      {!query.trim() && (
        <div className="atendo-emoji-tabs" role="tablist" aria-label={t('emoji.categories')} onKeyDown={onTabKey}>
          {tabsFor(recents.length > 0).map((option) => {
            const selected = option === tab;
            const label = option === RECENT ? t('emoji.groups.recent') : t(`emoji.groups.${GROUPS[option]?.key}`);
            return (
              <button
                key={option}
                type="button"
                role="tab"
                aria-selected={selected}
                tabIndex={selected ? 0 : -1}
                aria-label={label}
                title={label}
                data-tab={option}
                onClick={() => selectTab(option)}
                data-testid={`emoji-tab-${option === RECENT ? 'recent' : GROUPS[option]?.key}`}
              >
                {option === RECENT ? '🕘' : GROUPS[option]?.icon}
              </button>
            );
          })}
        </div>
      )}
      <div className="atendo-emoji-body" role={query.trim() ? undefined : 'tabpanel'} aria-label={heading}>
        {!index && !failed && (
          <div className="atendo-emoji-status">
            <IonSpinner name="dots" aria-label={t('emoji.loading')} />
          </div>
        )}
        {failed && (
          <div className="atendo-emoji-status" role="alert">
            {t('emoji.loadFailed')}
          </div>
        )}
        {index && (
          <>
            <div className="atendo-emoji-heading" aria-live="polite">
              {heading}
            </div>
            {shown.length === 0 ? (
              <div className="atendo-emoji-status">{query.trim() ? t('emoji.none') : t('emoji.noRecent')}</div>
            ) : (
              <div ref={grid} className="atendo-emoji-grid" role="group" aria-label={heading} onKeyDown={onGridKey}>
                {shown.map((item, position) => (
                  <button
                    key={`${item.emoji}-${position}`}
                    type="button"
                    tabIndex={position === Math.min(active, shown.length - 1) ? 0 : -1}
                    aria-label={item.label}
                    title={item.shortcode ? `${item.label} :${item.shortcode}:` : item.label}
                    onClick={(event) => choose(item.emoji, event)}
                    onFocus={() => setActive(position)}
                    onMouseEnter={() => setActive(position)}
                    // Keeps the caret (and focus) where it is in the composer when clicked.
                    onMouseDown={(event) => event.preventDefault()}
                    data-testid="emoji-option"
                  >
                    {item.emoji}
                  </button>
                ))}
              </div>
            )}
          </>
        )}
      </div>
      <div className="atendo-emoji-preview" aria-hidden="true">
        {preview ? (
          <>
            <span className="atendo-emoji-preview-glyph">{preview.emoji}</span>
            <span className="atendo-emoji-preview-text">
              <span>{preview.label}</span>
              {preview.shortcode && <small>:{preview.shortcode}:</small>}
            </span>
          </>
        ) : (
          <span className="atendo-emoji-preview-text">{t('emoji.title')}</span>
        )}
      </div>
    </div>
  );
}
