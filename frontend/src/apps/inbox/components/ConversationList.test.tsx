import { setupIonicReact } from '@ionic/react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../../shared/api/types';
import { makeConversation } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { DEFAULT_FILTERS } from '../filters';
import { useConversationListStore } from '../store/listStore';
import { ConversationList, LIST_READY_MARK, ROW_HEIGHT } from './ConversationList';

setupIonicReact();

function fill(count: number) {
  const byId: Record<string, Conversation> = {};
  const order: string[] = [];
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const id = `c${String(i).padStart(5, '0')}`;
    // newest first: c00000 is the most recent
    byId[id] = makeConversation({ id, last_activity_at: new Date(base - i * 60_000).toISOString(), unread_count: i === 0 ? 3 : 0 });
    order.push(id);
  }
  // A fresh filters object per test: the list restores its scroll position only for the same filters.
  useConversationListStore.setState({ byId, order, status: 'ready', nextCursor: null, filters: { ...DEFAULT_FILTERS }, myMemberId: 'me' });
}

/** jsdom does not lay out: scroll by hand and let the scroll handler's animation frame run. */
async function scrollTo(top: number) {
  const scroller = screen.getByTestId('conversation-list');
  scroller.scrollTop = top;
  fireEvent.scroll(scroller);
  await act(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  });
  return scroller;
}

describe('ConversationList', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  beforeEach(() => useConversationListStore.getState().reset());

  it('marks the performance timeline once, when rows first show', () => {
    performance.clearMarks(LIST_READY_MARK);
    useConversationListStore.setState({ status: 'loading' });
    const { rerender } = render(<ConversationList selectedId={null} onOpen={() => undefined} />);
    expect(performance.getEntriesByName(LIST_READY_MARK, 'mark')).toHaveLength(0);
    act(() => fill(3));
    rerender(<ConversationList selectedId={null} onOpen={() => undefined} />);
    act(() => fill(5));
    expect(performance.getEntriesByName(LIST_READY_MARK, 'mark')).toHaveLength(1);
  });

  it('renders only the rows in view out of 10,000', async () => {
    fill(10_000);
    render(<ConversationList selectedId={null} onOpen={() => undefined} />);
    const rows = screen.getAllByTestId('conversation-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(screen.getByText('Contact c00000')).toBeTruthy();
    expect(screen.getByTestId('unread-badge').textContent).toBe('3');

    await scrollTo(ROW_HEIGHT * 9000);
    expect(screen.getByText('Contact c09000')).toBeTruthy();
    expect(screen.queryByText('Contact c00000')).toBeNull();
    expect(screen.getAllByTestId('conversation-row').length).toBeLessThan(40);
  });

  it('opens a conversation on click', () => {
    fill(3);
    const onOpen = vi.fn();
    render(<ConversationList selectedId="c00001" onOpen={onOpen} />);
    fireEvent.click(screen.getByText('Contact c00002'));
    expect(onOpen).toHaveBeenCalledWith('c00002');
    expect(screen.getByText('Contact c00001').closest('button')?.getAttribute('aria-current')).toBe('true');
  });

  it('keeps what the reader looks at in place when conversations arrive above, with a pill', async () => {
    fill(200);
    render(<ConversationList selectedId={null} onOpen={() => undefined} />);
    const scroller = await scrollTo(ROW_HEIGHT * 50);
    act(() => {
      useConversationListStore.getState().applyConversation(makeConversation({ id: 'fresh', last_activity_at: '2026-02-01T00:00:00Z' }));
    });
    expect(scroller.scrollTop).toBe(ROW_HEIGHT * 51); // shifted by exactly one row
    const pill = screen.getByTestId('new-conversations-pill');
    expect(pill.textContent).toContain('1 new');
    fireEvent.click(pill);
    expect(screen.queryByTestId('new-conversations-pill')).toBeNull();
  });

  it('lets new conversations appear at the top when the reader is at the top', () => {
    fill(20);
    render(<ConversationList selectedId={null} onOpen={() => undefined} />);
    act(() => {
      useConversationListStore.getState().applyConversation(makeConversation({ id: 'fresh', last_activity_at: '2026-02-01T00:00:00Z' }));
    });
    expect(screen.getAllByTestId('conversation-row')[0]?.dataset.conversationId).toBe('fresh');
    expect(screen.queryByTestId('new-conversations-pill')).toBeNull();
  });

  it('comes back to the same place after being unmounted (phones: list → conversation → back)', async () => {
    fill(500);
    const first = render(<ConversationList selectedId={null} onOpen={() => undefined} />);
    await scrollTo(ROW_HEIGHT * 300);
    first.unmount();
    render(<ConversationList selectedId={null} onOpen={() => undefined} />);
    expect(screen.getByTestId('conversation-list').scrollTop).toBe(ROW_HEIGHT * 300);
    expect(screen.getByText('Contact c00300')).toBeTruthy();
  });

  it('says so when nothing matches', () => {
    useConversationListStore.setState({ status: 'ready', order: [], byId: {} });
    render(<ConversationList selectedId={null} onOpen={() => undefined} />);
    expect(screen.getByText('No conversations match these filters.')).toBeTruthy();
  });
});
