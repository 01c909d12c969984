// Shapes of the Web Chat widget API (see the contract in widget/README.md).
// The REST shapes are aliases over the backend's generated OpenAPI schema (`make api-types`; a
// backend test fails when it is stale), so a serializer change shows up here as a type error.
// Only the websocket frames and what the widget makes up itself are written by hand.
import type { components } from '../../src/shared/api/schema';
import type { Refine, Rendered } from '../../src/shared/api/types';

type Schemas = components['schemas'];

/** `type` is a free CharField in the schema; the account settings only accept these. */
export type PrechatField = Refine<Rendered<Schemas['PrechatFieldOut']>, { type: 'text' | 'email' | 'tel' }>;

/** `websocket_url`: a base like "ws://127.0.0.1:8001"; "" = same origin as apiBase. */
export type WidgetServerConfig = Refine<Rendered<Schemas['WidgetConfig']>, { prechat_fields: PrechatField[] }>;

export type Session = Rendered<Schemas['Session']>;

/** `url` is null while the antivirus has not cleared the file (and for an infected one). */
export type Attachment = Rendered<Schemas['Attachment']>;

/**
 * "in" = from the visitor, "out" = from the agent or a bot. The visitor's API never lists
 * private notes (`for_visitor`), hence the narrower kind.
 */
export type Message = Refine<
  Rendered<Schemas['VisitorMessage']>,
  { kind: Exclude<Schemas['MessageKindEnum'], 'note'>; attachments: Attachment[] }
>;

export type MessagePage = Refine<Rendered<Schemas['VisitorHistory']>, { results: Message[] }>;

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
