import { setupIonicReact } from '@ionic/react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { setupTestI18n } from '../../../test/i18n';
import { Composer } from '../components/Composer';
import { EMOJI_POPOVER_QUERY } from './useEmojiComposer';

setupIonicReact();

/** jsdom has no layout: desktop (popover) or phone (sheet) widths. */
function screenWidth(desktop: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: desktop && (query === EMOJI_POPOVER_QUERY || query.includes('min-width')),
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }));
}

function setup() {
  const onSend = vi.fn();
  render(<Composer key="c-1" tenant="demo" conversationId="c-1" onSend={onSend} />);
  const input = screen.getByTestId('composer-input') as HTMLTextAreaElement;
  /** Types `text` (the caret ends after it), as the browser reports it. */
  const type = (text: string) => {
    fireEvent.change(input, { target: { value: text } });
    fireEvent.keyUp(input, { key: 'x' });
  };
  return { onSend, input, type };
}

async function openPicker() {
  fireEvent.click(screen.getByTestId('composer-emoji'));
  const picker = await screen.findByTestId('emoji-picker', {}, { timeout: 5000 });
  await within(picker).findAllByTestId('emoji-option', {}, { timeout: 5000 });
  return picker;
}

function search(picker: HTMLElement, query: string) {
  fireEvent.change(within(picker).getByTestId('emoji-search'), { target: { value: query } });
  return within(picker).getAllByTestId('emoji-option');
}

describe('emoji in the composer', () => {
  beforeEach(() => screenWidth(true));
  afterEach(() => vi.unstubAllGlobals());

  describe('in Portuguese', () => {
    beforeAll(async () => {
      await setupTestI18n('pt-BR');
    });

    it('finds the heart by its Portuguese name and inserts it at the caret, keeping focus in the textarea', async () => {
      const { input, type } = setup();
      type('Obrigado pela compra!');
      input.setSelectionRange(8, 8); // after "Obrigado"
      const picker = await openPicker();
      expect(document.activeElement).toBe(within(picker).getByTestId('emoji-search')); // typing searches
      const results = search(picker, 'coração');
      expect(results[0]?.textContent).toBe('❤️');
      expect(results[0]?.getAttribute('aria-label')).toBe('coração vermelho');
      fireEvent.mouseDown(results[0]!);
      fireEvent.click(results[0]!, { detail: 1 });
      expect(input.value).toBe('Obrigado❤️ pela compra!');
      expect(document.activeElement).toBe(input);
      expect([input.selectionStart, input.selectionEnd]).toEqual([10, 10]);
      // The picker stays open for another one, inserted after the first.
      fireEvent.click(search(picker, 'sorriso')[0]!, { detail: 1 });
      expect(input.value).toMatch(/^Obrigado❤️.+ pela compra!$/u);
      expect(JSON.parse(localStorage.getItem('atendo.emoji.recent') ?? '[]')[1]).toBe('❤️');
    });

    it('opens on the recently used emoji next time', async () => {
      localStorage.setItem('atendo.emoji.recent', JSON.stringify(['🙏', '❤️']));
      setup();
      const picker = await openPicker();
      expect(within(picker).getByTestId('emoji-tab-recent').getAttribute('aria-selected')).toBe('true');
      expect(within(picker).getAllByTestId('emoji-option').map((b) => b.textContent)).toEqual(['🙏', '❤️']);
      expect(within(picker).getByText('Usados recentemente', { selector: '.atendo-emoji-heading' })).toBeTruthy();
      fireEvent.click(within(picker).getByTestId('emoji-tab-food'));
      expect(within(picker).getAllByTestId('emoji-option').length).toBeGreaterThan(100);
      expect(within(picker).getByText('Comidas e bebidas', { selector: '.atendo-emoji-heading' })).toBeTruthy();
    });

    it('suggests emoji for :word and completes with Enter instead of sending', async () => {
      const { input, type, onSend } = setup();
      type('Valeu :cora');
      const suggestions = await screen.findByTestId('emoji-suggestions', {}, { timeout: 5000 });
      expect(within(suggestions).getAllByTestId('emoji-suggestion')[0]?.textContent).toContain('❤️');
      expect(input.getAttribute('aria-activedescendant')).toBeTruthy();
      fireEvent.keyDown(input, { key: 'Enter' });
      expect(onSend).not.toHaveBeenCalled();
      expect(input.value).toBe('Valeu ❤️');
      expect(screen.queryByTestId('emoji-suggestions')).toBeNull();
      // A whole GitHub shortcode becomes its emoji as the closing colon is typed.
      type('Valeu ❤️ :+1');
      await waitFor(() => expect(screen.queryByTestId('emoji-suggestions')).toBeTruthy());
      fireEvent.keyDown(input, { key: ':' });
      expect(input.value).toBe('Valeu ❤️ 👍️');
    });

    it('lets Escape close the suggestions, then Enter sends as usual', async () => {
      const { input, type, onSend } = setup();
      type(':sorriso');
      await screen.findByTestId('emoji-suggestions', {}, { timeout: 5000 });
      fireEvent.keyDown(input, { key: 'Escape' });
      expect(screen.queryByTestId('emoji-suggestions')).toBeNull();
      fireEvent.keyDown(input, { key: 'Enter' });
      expect(onSend).toHaveBeenCalledWith({ body: ':sorriso', private: false, files: [] });
    });
  });

  describe('in English and Spanish', () => {
    it('searches in English', async () => {
      await setupTestI18n('en');
      setup();
      const picker = await openPicker();
      expect(search(picker, 'heart')[0]?.textContent).toBe('❤️');
      // Portuguese names are not English ones.
      fireEvent.change(within(picker).getByTestId('emoji-search'), { target: { value: 'coração' } });
      expect(within(picker).queryAllByTestId('emoji-option')).toHaveLength(0);
      expect(within(picker).getByText('No emoji found.')).toBeTruthy();
    });

    it('searches in Spanish', async () => {
      await setupTestI18n('es');
      setup();
      const picker = await openPicker();
      expect(search(picker, 'corazón')[0]?.textContent).toBe('❤️');
      expect(search(picker, 'pulgar').map((b) => b.textContent)).toContain('👍️');
    });
  });

  describe('keyboard and skin tones', () => {
    beforeAll(async () => {
      await setupTestI18n('en');
    });

    it('moves with arrows, picks with Enter (staying in the picker), and Escape returns to the textarea', async () => {
      const { input } = setup();
      const picker = await openPicker();
      search(picker, 'thumbs');
      fireEvent.keyDown(within(picker).getByTestId('emoji-search'), { key: 'ArrowDown' });
      const options = within(picker).getAllByTestId('emoji-option');
      expect(document.activeElement).toBe(options[0]);
      fireEvent.keyDown(options[0]!, { key: 'ArrowRight' });
      expect(document.activeElement).toBe(options[1]);
      expect(options[1]?.getAttribute('tabindex')).toBe('0');
      fireEvent.click(options[1]!, { detail: 0 }); // Enter on a button
      expect(input.value).toBe(options[1]?.textContent);
      expect(document.activeElement).toBe(options[1]);
      fireEvent.keyDown(options[1]!, { key: 'Escape' });
      await waitFor(() => expect(screen.queryByTestId('emoji-picker')).toBeNull());
      expect(document.activeElement).toBe(input);
    });

    it('inserts the chosen skin tone and remembers it', async () => {
      const { input } = setup();
      const picker = await openPicker();
      fireEvent.click(within(picker).getByTestId('emoji-tone'));
      fireEvent.click(within(picker).getByTestId('emoji-tone-3'));
      const thumbs = search(picker, '+1')[0]!;
      expect(thumbs.textContent).toBe('👍🏽');
      fireEvent.click(thumbs, { detail: 1 });
      expect(input.value).toBe('👍🏽');
      expect(localStorage.getItem('atendo.emoji.tone')).toBe('3');
    });

    it('on phones, opens as a sheet that keeps the on-screen keyboard down', async () => {
      screenWidth(false);
      const { input } = setup();
      const picker = await openPicker();
      expect(screen.getByTestId('emoji-panel').className).toContain('is-sheet');
      expect(document.activeElement).not.toBe(within(picker).getByTestId('emoji-search'));
      fireEvent.click(within(picker).getAllByTestId('emoji-option')[0]!, { detail: 1 });
      expect(input.value).not.toBe('');
      expect(document.activeElement).not.toBe(input);
      // Tapping the textarea hands over to the keyboard.
      act(() => input.focus());
      await waitFor(() => expect(screen.queryByTestId('emoji-picker')).toBeNull());
    });
  });
});
