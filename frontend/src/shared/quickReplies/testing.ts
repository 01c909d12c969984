import type { QuickReply } from '../api/types';

/** A quick reply as the API renders it (tests). */
export function makeQuickReply(overrides: Partial<QuickReply> = {}): QuickReply {
  const shortcut = overrides.shortcut ?? 'ola';
  return {
    id: `qr-${shortcut}`,
    shortcut,
    title: shortcut,
    body: `Body of ${shortcut}`,
    department: null,
    personal: false,
    can_edit: false,
    use_count: 0,
    last_used_at: null,
    created_by: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}
