import { IonIcon } from '@ionic/react';
import { eyeOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { Viewer } from '../store/threadStore';
import { Avatar } from './Avatar';

/** Who else has this conversation open right now. */
export function ViewersBar({ viewers }: { viewers: Viewer[] }) {
  const { t } = useTranslation('inbox');
  if (viewers.length === 0) return null;
  const names = viewers.map((v) => v.name || t('conversation.anotherAgent'));
  const label = t('conversation.alsoViewing', { names: names.join(', ') });
  return (
    <span className="atendo-viewers" title={label} aria-label={label} role="status" data-testid="viewers">
      <IonIcon icon={eyeOutline} aria-hidden="true" />
      {viewers.slice(0, 3).map((viewer, index) => (
        <Avatar key={viewer.memberId} id={viewer.memberId} name={names[index] ?? ''} size="small" />
      ))}
      {viewers.length > 3 && <small>+{viewers.length - 3}</small>}
    </span>
  );
}
