import { api } from '../api';
import type { CursorPage, QuickReply, QuickReplyCreate, QuickReplyInput } from '../api/types';

const PATH = '/api/v1/quick-replies';

/** The replies the member may use (shared in their scope and their personal ones), by shortcut. */
export function fetchQuickReplies(options: { q?: string; pageSize?: number; signal?: AbortSignal } = {}) {
  const params = new URLSearchParams({ page_size: String(options.pageSize ?? 200) });
  if (options.q) params.set('q', options.q);
  return api.get<CursorPage<QuickReply>>(`${PATH}?${params}`, { signal: options.signal });
}

export const createQuickReply = (input: QuickReplyCreate) => api.post<QuickReply>(PATH, input);
export const updateQuickReply = (id: string, changes: QuickReplyInput) => api.patch<QuickReply>(`${PATH}/${id}`, changes);
export const deleteQuickReply = (id: string) => api.delete<void>(`${PATH}/${id}`);
/** Counts an insertion so the replies a team really uses rank first. */
export const recordQuickReplyUse = (id: string) => api.post<void>(`${PATH}/${id}/use`);
