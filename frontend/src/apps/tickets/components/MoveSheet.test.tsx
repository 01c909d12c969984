import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, waitFor } from '@testing-library/react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { setupTestI18n } from '../../../test/i18n';
import { MoveSheet } from './MoveSheet';

setupIonicReact();

describe('MoveSheet', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });

  it('lists every other status, the ones the server does not allow disabled with the reason', async () => {
    const onMove = vi.fn();
    render(<MoveSheet ticket={{ number: 7, status: 'solved', allowed_statuses: ['open', 'closed'] }} onMove={onMove} onClose={() => undefined} />);
    const sheet = await waitFor(() => {
      const el = document.querySelector('ion-action-sheet');
      if (!el?.shadowRoot?.querySelector('button') && !el?.querySelector('button')) throw new Error('not rendered');
      return el;
    });
    const root = sheet.shadowRoot ?? sheet;
    const buttons = [...root.querySelectorAll('button')];
    const label = (status: string) => buttons.find((b) => b.getAttribute('data-testid') === `move-to-${status}`);
    expect(label('open')?.textContent).toContain('Open');
    expect(label('open')?.disabled).toBe(false);
    expect(label('new')?.textContent).toContain('New (not allowed from Solved)');
    expect(label('new')?.disabled).toBe(true);
    fireEvent.click(label('closed') as HTMLButtonElement);
    await waitFor(() => expect(onMove).toHaveBeenCalledWith('closed'));
  });
});
