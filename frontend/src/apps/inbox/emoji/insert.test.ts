import { afterEach, describe, expect, it } from 'vitest';
import { closedShortcodeAt, insertAt, shortcodeAt } from './insert';
import { MAX_RECENT, preferredTone, recentEmoji, rememberEmoji, rememberTone } from './recents';

describe('insertAt', () => {
  it('inserts at the caret or over the selection and returns the caret after it', () => {
    expect(insertAt('Oi tudo bem?', '👋', 2)).toEqual({ text: 'Oi👋 tudo bem?', caret: 4 });
    expect(insertAt('Oi tudo bem?', '😀', 3, 7)).toEqual({ text: 'Oi 😀 bem?', caret: 5 });
    expect(insertAt('', '❤️', 0)).toEqual({ text: '❤️', caret: 2 });
    expect(insertAt('abc', '!', 99)).toEqual({ text: 'abc!', caret: 4 });
  });
});

describe(':shortcode tokens', () => {
  it('finds a :word being typed at the start or after a space', () => {
    expect(shortcodeAt(':cora', 5)).toEqual({ start: 0, query: 'cora' });
    expect(shortcodeAt('Obrigado :coração', 17)).toEqual({ start: 9, query: 'coração' });
    expect(shortcodeAt('ok :+1', 6)).toEqual({ start: 3, query: '+1' });
    expect(shortcodeAt('linha\n:sm', 9)).toEqual({ start: 6, query: 'sm' });
  });

  it('ignores times, links, emoticons and single letters', () => {
    for (const text of ['às 10:30', 'https://atendo.test', 'oi :)', 'oi :D', 'nota:abc', ':a']) {
      expect(shortcodeAt(text, text.length), text).toBeNull();
    }
  });

  it('finds a closed :shortcode: before the caret', () => {
    expect(closedShortcodeAt('valeu :+1:', 10)).toEqual({ start: 6, code: '+1' });
    expect(closedShortcodeAt('10:30:', 6)).toBeNull();
  });
});

describe('recent emoji and skin tone', () => {
  afterEach(() => localStorage.clear());

  it('keeps the most recent first, once each, up to the limit', () => {
    rememberEmoji('👍');
    rememberEmoji('❤️');
    rememberEmoji('👍');
    expect(recentEmoji()).toEqual(['👍', '❤️']);
    for (let i = 0; i < MAX_RECENT + 5; i++) rememberEmoji(String.fromCodePoint(0x1f600 + i));
    expect(recentEmoji()).toHaveLength(MAX_RECENT);
    expect(recentEmoji()[0]).toBe(String.fromCodePoint(0x1f600 + MAX_RECENT + 4));
  });

  it('survives unreadable storage', () => {
    localStorage.setItem('atendo.emoji.recent', '{not json');
    localStorage.setItem('atendo.emoji.tone', '9');
    expect(recentEmoji()).toEqual([]);
    expect(preferredTone()).toBe(0);
    rememberTone(4);
    expect(preferredTone()).toBe(4);
  });
});
