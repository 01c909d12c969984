import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TypingEntry } from '../store/threadStore';

/** "Maria is typing…" from typing frames that have not expired (a lost "stopped" frame ages out). */
export function TypingIndicator({ typing }: { typing: Record<string, TypingEntry> }) {
  const { t } = useTranslation('inbox');
  const [now, setNow] = useState(() => Date.now());
  const entries = Object.values(typing);
  const nextExpiry = Math.min(...entries.map((e) => e.expiresAt));

  useEffect(() => {
    if (!Number.isFinite(nextExpiry)) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, nextExpiry - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [nextExpiry]);

  const active = entries.filter((e) => e.expiresAt > now);
  if (active.length === 0) return null;
  const names = active.map((e) => e.name || (e.byContact ? t('typing.contact') : t('conversation.anotherAgent')));
  return (
    <div className="atendo-typing" role="status" data-testid="typing-indicator">
      <span className="atendo-typing-dots" aria-hidden="true">
        <i />
        <i />
        <i />
      </span>
      {names.length === 1 ? t('typing.one', { name: names[0] }) : t('typing.many', { names: names.join(', ') })}
    </div>
  );
}
