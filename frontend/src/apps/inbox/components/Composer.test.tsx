import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, screen } from '@testing-library/react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { setupTestI18n } from '../../../test/i18n';
import { Composer } from './Composer';

setupIonicReact();

function setup(conversationId = 'c-1') {
  const onSend = vi.fn();
  const onTyping = vi.fn();
  const view = render(<Composer key={conversationId} tenant="demo" conversationId={conversationId} onSend={onSend} onTyping={onTyping} />);
  const input = () => screen.getByTestId('composer-input') as HTMLTextAreaElement;
  const type = (text: string) => fireEvent.change(input(), { target: { value: text } });
  return { onSend, onTyping, input, type, view };
}

describe('Composer', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });

  it('sends on Enter and breaks the line on Shift+Enter', () => {
    const { onSend, input, type } = setup();
    type('Olá\nsegunda linha');
    fireEvent.keyDown(input(), { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith({ body: 'Olá\nsegunda linha', private: false, files: [] });
    expect(input().value).toBe('');
  });

  it('does not send blank text', () => {
    const { onSend, input, type } = setup();
    type('   ');
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
  });

  it('sends private notes when the note toggle is on', () => {
    const { onSend, input, type } = setup();
    fireEvent.click(screen.getByTestId('composer-mode-note'));
    expect(input().placeholder).toContain('private note');
    type('interno');
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith({ body: 'interno', private: true, files: [] });
  });

  it('keeps a draft per conversation across remounts (reloads)', () => {
    const first = setup('c-1');
    first.type('meio escrito');
    first.view.unmount();
    expect(JSON.parse(localStorage.getItem('atendo.draft.demo.c-1') ?? '{}')).toEqual({ body: 'meio escrito', private: false });
    const other = setup('c-2');
    expect(other.input().value).toBe('');
    other.view.unmount();
    const again = setup('c-1');
    expect(again.input().value).toBe('meio escrito');
  });

  it('announces typing while replying, and stops on send', () => {
    const { onTyping, input, type } = setup();
    type('o');
    type('oi');
    expect(onTyping).toHaveBeenCalledTimes(1);
    expect(onTyping).toHaveBeenLastCalledWith(true);
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(onTyping).toHaveBeenLastCalledWith(false);
  });

  it('attaches files and sends them', () => {
    const { onSend } = setup();
    const file = new File(['%PDF'], 'pedido.pdf', { type: 'application/pdf' });
    fireEvent.change(screen.getByTestId('composer-file'), { target: { files: [file] } });
    expect(screen.getByText('pedido.pdf')).toBeTruthy();
    fireEvent.submit(screen.getByTestId('composer'));
    expect(onSend).toHaveBeenCalledWith({ body: '', private: false, files: [file] });
  });
});
