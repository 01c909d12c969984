import { useTranslation } from 'react-i18next';
import { CopyButton } from './CopyButton';

/** The connector's public webhook address, to paste into the provider's dashboard. */
export function WebhookUrl({ url }: { url: string }) {
  const { t } = useTranslation('settings');
  return (
    <div className="atendo-settings-copyable" data-testid="webhook-url">
      <span className="atendo-settings-label">{t('channels.webhookUrl')}</span>
      <div className="atendo-settings-copy-row">
        <code className="atendo-settings-code">{url}</code>
        <CopyButton text={url} label={t('channels.copyWebhook')} testId="webhook-copy" />
      </div>
    </div>
  );
}
