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
  /** The most urgent SLA of the conversation's open tickets ('' when none applies). */
  sla_state: ConversationSlaState;
  sla_due_at: string | null;
  created_at: string;
  updated_at: string;
}

export type ConversationSlaState = '' | 'ok' | 'warning' | 'breached' | 'paused';

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

// --- Tickets (backend/atendo/tickets/serializers.py, api.py) -----------------------------------

export type TicketStatus = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
/** The ticket's SLA summary ('' when no policy applies). */
export type TicketSlaState = '' | 'ok' | 'warning' | 'breached' | 'paused' | 'met';

export interface TicketPerson {
  id: string;
  display_name: string;
}

export interface TicketNamed {
  id: string;
  name: string;
}

export interface Ticket {
  id: string;
  number: number;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: Priority;
  department: TicketNamed | null;
  team: TicketNamed | null;
  assignee: TicketPerson | null;
  requester: TicketNamed | null;
  conversation_id: string | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  sla_state: TicketSlaState;
  next_due_at: string | null;
  first_responded_at: string | null;
  solved_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TicketAssignment {
  id: string;
  assignee: TicketPerson | null;
  department_id: string | null;
  team_id: string | null;
  assigned_by: TicketPerson | null;
  reason: string;
  started_at: string;
  ended_at: string | null;
}

export interface TicketDetail extends Ticket {
  /** Oldest first; the open one has ended_at null. */
  assignments: TicketAssignment[];
}

export interface TicketComment {
  id: string;
  author: TicketPerson | null;
  by_requester: boolean;
  internal: boolean;
  system: boolean;
  body: string;
  created_at: string;
}

export type SlaTarget = 'first_response' | 'next_response' | 'resolution';
export type SlaClockState = 'running' | 'paused' | 'met' | 'breached' | 'cancelled';

export interface SlaClock {
  target: SlaTarget;
  state: SlaClockState;
  target_seconds: number;
  consumed_seconds: number;
  running_since: string | null;
  due_at: string | null;
  warning_at: string | null;
  warned: boolean;
  breached: boolean;
  /** Wall-clock seconds until due when the server answered (running clocks only). */
  remaining_seconds: number | null;
}

export interface TicketSla {
  policy: string | null;
  state: TicketSlaState;
  clocks: SlaClock[];
}

export interface TicketCreateRequest {
  subject: string;
  description?: string;
  priority?: Priority;
  department?: string | null;
  team?: string | null;
  assignee?: string | null;
  requester?: string | null;
  conversation?: string | null;
  tags?: string[];
}

export interface TicketTransferRequest {
  department?: string | null;
  team?: string | null;
  assignee?: string | null;
  reason: string;
}

export interface TicketCommentRequest {
  body: string;
  internal: boolean;
}

// --- Settings (core tenants/domains/members/roles, organizations, connectors) ------------------

/** The Tenant component of the OpenAPI schema (`Tenant` above is the summary in memberships). */
export interface TenantProfile extends Tenant {
  timezone: string;
  locale: Language;
  status: 'active' | 'suspended';
  reopen_window_hours: number;
  created_at: string;
}

export type TenantUpdate = Partial<Pick<TenantProfile, 'name' | 'timezone' | 'locale' | 'reopen_window_hours'>>;

export interface DnsRecord {
  type: string;
  name: string;
  value: string;
}

export interface TenantDomain {
  id: string;
  hostname: string;
  is_verified: boolean;
  is_primary: boolean;
  /** The TXT record to publish before asking for verification. */
  verification_record: DnsRecord;
  verified_at: string | null;
  created_at: string;
}

/** The Role component (a named permission set); `Role` above is a role held by a member. */
export interface RoleDefinition {
  id: string;
  slug: string;
  name: string;
  description: string;
  permissions: string[];
  is_builtin: boolean;
  created_at: string;
}

/** One role given to a member, tenant-wide (no scope) or in one department or team. */
export interface RoleGrant {
  role: string;
  scope_type: RoleScopeType | null;
  scope_id: string | null;
}

export interface MemberDetail extends Member {
  joined_at: string | null;
  created_at: string;
}

export interface MemberInvite {
  email: string;
  display_name: string;
  roles: RoleGrant[];
}

export interface MemberUpdate {
  display_name?: string;
  status?: 'active' | 'disabled';
  roles?: RoleGrant[];
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A business calendar: local `[start, end)` intervals per weekday ("24:00" ends at midnight). */
export interface BusinessHours {
  timezone: string;
  weekly: Partial<Record<Weekday, [string, string][]>>;
  holidays?: string[];
}

export interface DepartmentDetail extends Department {
  business_hours: BusinessHours;
  default_sla_policy: string | null;
  created_at: string;
  updated_at: string;
}

export interface DepartmentInput {
  name?: string;
  description?: string;
  business_hours?: BusinessHours;
  default_sla_policy?: string | null;
  active?: boolean;
}

export interface TeamMember {
  id: string;
  display_name: string;
}

export interface TeamDetail extends Team {
  auto_assign: boolean;
  max_open_per_agent: number;
  members: TeamMember[];
  created_at: string;
}

export interface TeamInput {
  name?: string;
  department?: string;
  auto_assign?: boolean;
  max_open_per_agent?: number;
}

export interface SlaPolicy {
  id: string;
  name: string;
  department: string | null;
  /** '' applies to every priority. */
  priority: Priority | '';
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  /** true: targets count calendar time; false: the department's business hours. */
  calendar_minutes: boolean;
  warning_percent: number;
  active: boolean;
  created_at: string;
}

export type SlaPolicyInput = Partial<Omit<SlaPolicy, 'id' | 'created_at'>>;

export type ChannelAccountStatus = 'pending' | 'active' | 'disabled' | 'error';

export interface WebChatPrechatField {
  name: string;
  label: string;
  type: 'text' | 'email' | 'tel';
  required: boolean;
}

export interface WebChatSettings {
  allowed_origins: string[];
  primary_color: string;
  greeting: string;
  prechat_fields: WebChatPrechatField[];
  require_identity: boolean;
}

export interface WebChatAccount {
  id: string;
  name: string;
  status: ChannelAccountStatus;
  widget_token: string;
  settings: WebChatSettings;
  /** HMAC-SHA256 key for signing visitor identifiers. */
  identity_secret: string;
  /** The `<script>` tag to paste into the site. */
  embed_code: string;
  created_at: string;
}

export interface WebChatUpdate {
  name?: string;
  settings?: Partial<WebChatSettings>;
  status?: 'active' | 'disabled';
  rotate_secret?: boolean;
}

export type ConnectorKind = 'whatsapp' | 'telegram' | 'email';

export interface ChannelConnector {
  id: string;
  kind: ConnectorKind;
  name: string;
  /** Where the provider posts events; '' for e-mail (fetched over IMAP). */
  webhook_url: string;
  /** Which credentials are set; their values are never returned. */
  credential_keys: string[];
  created_at: string;
  updated_at: string;
}

export interface ChannelAccount {
  id: string;
  connector: string;
  kind: ConnectorKind;
  name: string;
  external_id: string;
  status: ChannelAccountStatus;
  /** The provider's reason when activation failed. */
  last_error: string;
  default_department: string | null;
  default_team: string | null;
  created_at: string;
}
