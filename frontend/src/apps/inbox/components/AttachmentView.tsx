import { IonIcon } from '@ionic/react';
import { documentOutline, downloadOutline, hourglassOutline, warningOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { Attachment } from '../../../shared/api/types';
import { formatBytes } from '../format';

/** An image preview (opens full size) or a download link; files the antivirus holds are not served. */
export function AttachmentView({ attachment }: { attachment: Attachment }) {
  const { t, i18n } = useTranslation('inbox');
  const size = formatBytes(attachment.size, i18n.language);

  if (attachment.scan_status === 'infected') {
    return (
      <div className="atendo-attachment is-blocked" data-testid="attachment-blocked">
        <IonIcon icon={warningOutline} aria-hidden="true" />
        <span>
          {t('attachment.infected', { name: attachment.name })}
          {attachment.scan_signature && <small> ({attachment.scan_signature})</small>}
        </span>
      </div>
    );
  }
  if (!attachment.url) {
    return (
      <div className="atendo-attachment is-pending" data-testid="attachment-pending">
        <IonIcon icon={hourglassOutline} aria-hidden="true" />
        <span>{t('attachment.scanning', { name: attachment.name })}</span>
      </div>
    );
  }
  if (attachment.mime.startsWith('image/')) {
    return (
      <a className="atendo-attachment-image" href={attachment.url} target="_blank" rel="noopener noreferrer" data-testid="attachment-image">
        <img src={attachment.url} alt={attachment.name} loading="lazy" />
      </a>
    );
  }
  return (
    <a className="atendo-attachment" href={attachment.url} download={attachment.name} target="_blank" rel="noopener noreferrer" data-testid="attachment-file">
      <IonIcon icon={documentOutline} aria-hidden="true" />
      <span className="atendo-attachment-name">{attachment.name}</span>
      <small>{size}</small>
      <IonIcon icon={downloadOutline} aria-label={t('attachment.download')} />
    </a>
  );
}
