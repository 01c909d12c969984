// Shapes of the Web Chat widget API (see the contract in widget/README.md).

export interface PrechatField {
  name: string;
  label: string;
  type: 'text' | 'email' | 'tel';
  required: boolean;
}

export interface WidgetServerConfig {
  name: string;
  greeting: string;
  primary_color: string;
  prechat_fields: PrechatField[];
  /** Base like "ws://127.0.0.1:8001"; "" = same origin as apiBase. */
  websocket_url: string;
  max_upload_bytes: number;
}

export interface Session {
  session_token: string;
  contact: { name: string };
  conversation_id: string | null;
}

export interface Attachment {
  id: string;
  name: string;
  mime: string;
  size: number;
  url: string;
}

export interface Message {
  id: string;
  client_id: string | null;
  /** "in" = from the visitor, "out" = from the agent/bot. */
  direction: 'in' | 'out';
  kind: 'text' | 'media' | 'system';
  body: string;
  author_name: string;
  created_at: string;
  attachments: Attachment[];
}

export interface MessagePage {
  results: Message[];
  has_more: boolean;
}

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';

export type ServerFrame =
  | { event: 'message.created'; message: Message }
  | { event: 'typing'; typing: boolean; author_name: string }
  | { event: 'conversation.status_changed'; status: ConversationStatus }
  | { event: 'pong' };

/** What the loader (`/widget/{token}.js`) puts on the page before loading the bundle. */
export interface BootConfig {
  token: string;
  apiBase: string;
  wsBase?: string;
}

/** A message as the widget shows it: a server message, or the visitor's own one still in flight. */
export interface ViewMessage extends Message {
  status: 'sent' | 'sending' | 'failed';
  /** 0..1 while a file uploads. */
  progress?: number;
  /** Error code (e.g. "file_too_large") when status is "failed". */
  error?: string;
  /** The File of a failed upload, so it can be retried. */
  file?: File;
}
