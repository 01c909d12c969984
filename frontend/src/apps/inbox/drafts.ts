/**
 * What an agent typed but did not send, per tenant and conversation, in localStorage so it
 * survives reloads and crashes. Storage failures (private mode, quota) only lose persistence.
 */

const PREFIX = 'atendo.draft';

export interface Draft {
  body: string;
  private: boolean;
}

function key(tenant: string, conversationId: string): string {
  return `${PREFIX}.${tenant}.${conversationId}`;
}

export function loadDraft(tenant: string, conversationId: string): Draft {
  try {
    const raw = localStorage.getItem(key(tenant, conversationId));
    if (raw) {
      const parsed = JSON.parse(raw) as Partial<Draft>;
      return { body: typeof parsed.body === 'string' ? parsed.body : '', private: parsed.private === true };
    }
  } catch {
    // unreadable draft: start empty
  }
  return { body: '', private: false };
}

export function saveDraft(tenant: string, conversationId: string, draft: Draft): void {
  try {
    if (!draft.body && !draft.private) localStorage.removeItem(key(tenant, conversationId));
    else localStorage.setItem(key(tenant, conversationId), JSON.stringify(draft));
  } catch {
    // see above
  }
}

export function clearDraft(tenant: string, conversationId: string): void {
  try {
    localStorage.removeItem(key(tenant, conversationId));
  } catch {
    // see above
  }
}
