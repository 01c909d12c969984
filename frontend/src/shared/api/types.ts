// Hand-written until the OpenAPI schema (/api/schema/) is generated into this folder.
import type { Language } from '../i18n/languages';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
}

export type RoleScopeType = 'department' | 'team';

export interface Role {
  id: string;
  slug: string;
  name: string;
  scope_type: RoleScopeType | null;
  scope_id: string | null;
}

export type MembershipStatus = 'invited' | 'active' | 'disabled';

export interface Membership {
  id: string;
  tenant: Tenant;
  display_name: string;
  status: MembershipStatus;
  roles: Role[];
}

export interface User {
  id: string;
  email: string;
  name: string;
  preferred_language: Language;
  memberships: Membership[];
}

export interface UserUpdate {
  name?: string;
  preferred_language?: Language;
}

export interface PublicConfig {
  websocket_url: string;
  signup_enabled: boolean;
  languages: string[];
}

// --- Messaging (backend/atendo/messaging/serializers.py) -------------------------------------
// Mirrors the OpenAPI components of the same names; every field is present in responses.

/** A cursor page as every list endpoint renders it. */
export interface CursorPage<T> {
  next: string | null;
  previous: string | null;
  results: T[];
}

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type ChannelKind = 'whatsapp' | 'telegram' | 'email' | 'webchat';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface ConversationContact {
  id: string;
  name: string;
  avatar_url: string;
}

export interface ConversationAssignee {
  id: string;
  display_name: string;
}

export interface ConversationAccount {
  id: string;
  /** A ChannelKind; typed loosely because connectors may add kinds before the web app knows them. */
  kind: string;
  name: string;
}

export interface Conversation {
  id: string;
  status: ConversationStatus;
  priority: Priority;
  contact: ConversationContact;
  assignee: ConversationAssignee | null;
  account: ConversationAccount;
  department_id: string | null;
  team_id: string | null;
  tags: string[];
  last_message_preview: string;
  last_message_at: string | null;
  last_activity_at: string;
  unread_count: number;
  snoozed_until: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

export type MessageDirection = 'in' | 'out';
export type MessageKind = 'text' | 'media' | 'system' | 'note';
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
export type ScanStatus = 'not_scanned' | 'pending' | 'clean' | 'infected';

export interface Attachment {
  id: string;
  name: string;
  mime: string;
  size: number;
  scan_status: ScanStatus;
  scan_signature: string;
  /** Short-lived download URL; null until the antivirus clears the file. */
  url: string | null;
}

export interface MessageAuthor {
  id: string;
  display_name: string;
}

export interface Message {
  id: string;
  conversation_id: string;
  client_id: string | null;
  direction: MessageDirection;
  kind: MessageKind;
  author: MessageAuthor | null;
  body: string;
  /** null for inbound messages, notes and system events; '' is treated like null. */
  delivery_status: DeliveryStatus | '' | null;
  error_code: string;
  error_message: string;
  metadata: Record<string, unknown>;
  attachments: Attachment[];
  created_at: string;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
}

export interface MessagePage {
  results: Message[];
  has_more: boolean;
}

export interface ConversationDetail extends Conversation {
  messages: MessagePage;
}

export interface AssignRequest {
  assignee?: string | null;
  department?: string | null;
  team?: string | null;
  note?: string;
}

export interface StatusRequest {
  status: ConversationStatus;
  snoozed_until?: string | null;
}

// --- Organization (backend/atendo/organizations, core members) --------------------------------

export interface Department {
  id: string;
  name: string;
  description: string;
  active: boolean;
}

export interface Team {
  id: string;
  name: string;
  department: string;
}

export interface Member {
  id: string;
  user_id: string;
  email: string;
  display_name: string;
  status: MembershipStatus;
  roles: Role[];
}
