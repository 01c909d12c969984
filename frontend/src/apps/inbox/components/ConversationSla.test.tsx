import { render, screen } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupTestI18n } from '../../../test/i18n';
import { ConversationSla } from './ConversationSla';

describe('ConversationSla', () => {
  // Set before the first render: the shared once-every-30-s clock reads the time when created.
  const now = Date.parse('2026-03-02T13:00:00Z');
  beforeAll(async () => {
    await setupTestI18n('en');
    vi.useFakeTimers({ now, toFake: ['Date', 'setInterval', 'clearInterval'] });
  });
  afterAll(() => vi.useRealTimers());

  it('shows nothing when no open ticket has an SLA', () => {
    const { container } = render(<ConversationSla conversation={{ sla_state: '', sla_due_at: null }} />);
    expect(container.textContent).toBe('');
  });

  it('counts down to the due instant, and shows overdue once it passed', () => {
    const { unmount } = render(
      <ConversationSla conversation={{ sla_state: 'warning', sla_due_at: '2026-03-02T13:25:00Z' }} />,
    );
    const chip = screen.getByTestId('conversation-sla');
    expect(chip.dataset.look).toBe('warning');
    expect(chip.textContent).toBe('Reply in 25m');
    unmount();
    // Past due before the server's scan flagged it: already shown as overdue.
    render(<ConversationSla conversation={{ sla_state: 'ok', sla_due_at: '2026-03-02T12:50:00Z' }} />);
    expect(screen.getByTestId('conversation-sla').textContent).toBe('SLA overdue by 10m');
  });

  it('says paused while the ticket waits on the customer', () => {
    render(<ConversationSla conversation={{ sla_state: 'paused', sla_due_at: null }} />);
    expect(screen.getByTestId('conversation-sla').textContent).toBe('SLA paused');
  });
});
