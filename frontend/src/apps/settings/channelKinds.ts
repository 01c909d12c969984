import type { ConnectorKind } from '../../shared/api/types';

export interface CredentialSpec {
  key: string;
  /** Secrets are typed in password inputs and never shown back (the API returns only their names). */
  secret?: boolean;
  required?: boolean;
  input?: 'text' | 'number' | 'security';
  placeholder?: string;
}

/** The credentials each connector kind takes (backend: connectors.services.CREDENTIAL_KEYS). */
export const CREDENTIALS: Record<ConnectorKind, readonly CredentialSpec[]> = {
  whatsapp: [
    { key: 'access_token', secret: true, required: true },
    { key: 'app_secret', secret: true, required: true },
    { key: 'verify_token', required: true },
  ],
  telegram: [{ key: 'bot_token', secret: true, required: true, placeholder: '123456789:AA…' }],
  email: [
    { key: 'imap_host', required: true, placeholder: 'imap.example.com' },
    { key: 'imap_port', input: 'number', placeholder: '993' },
    { key: 'imap_security', input: 'security' },
    { key: 'imap_folder', placeholder: 'INBOX' },
    { key: 'username', required: true, placeholder: 'suporte@example.com' },
    { key: 'password', secret: true, required: true },
    { key: 'smtp_host', required: true, placeholder: 'smtp.example.com' },
    { key: 'smtp_port', input: 'number', placeholder: '587' },
    { key: 'smtp_security', input: 'security' },
    { key: 'smtp_username' },
    { key: 'smtp_password', secret: true },
  ],
};

export const CONNECTOR_KINDS: readonly ConnectorKind[] = ['whatsapp', 'telegram', 'email'];

/** A Telegram bot's id is the part of its token before the colon. */
export function telegramBotId(token: string): string {
  const match = /^(\d+):/.exec(token.trim());
  return match?.[1] ?? '';
}

/** A verify token for WhatsApp's webhook handshake: any string, so a random one. */
export function randomToken(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
