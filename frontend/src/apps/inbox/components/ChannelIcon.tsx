import { IonIcon } from '@ionic/react';
import { chatbubbleEllipsesOutline, logoWhatsapp, mailOutline, paperPlane } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';

const ICONS: Record<string, string> = {
  whatsapp: logoWhatsapp,
  telegram: paperPlane,
  email: mailOutline,
  webchat: chatbubbleEllipsesOutline,
};

export function ChannelIcon({ kind, className }: { kind: string; className?: string }) {
  const { t } = useTranslation('inbox');
  const label = t(`channel.${kind}`, { defaultValue: kind });
  return (
    <IonIcon
      icon={ICONS[kind] ?? chatbubbleEllipsesOutline}
      className={`atendo-channel atendo-channel-${kind} ${className ?? ''}`}
      aria-label={label}
      title={label}
      role="img"
    />
  );
}
