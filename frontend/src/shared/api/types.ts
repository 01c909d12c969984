/**
 * The web app's names for the API's shapes. The source of truth is `schema.d.ts`, generated from
 * the backend's OpenAPI schema by `make api-types` (a backend test fails when it is stale): every
 * type here is an alias over its components, so a serializer change surfaces as a type error at
 * the call sites instead of drifting silently.
 *
 * `Rendered` and `WithServerDefaults` adapt the generator's conventions; `Refine` narrows the few
 * fields the schema types more loosely than the server guarantees, each with the reason.
 * `types.test-d.ts` checks that every alias stays assignable to its component and that none
 * decays to `any`/`unknown`. Shapes the client makes up itself (optimistic messages, drafts) live
 * next to their store, not here.
 */
import type { components } from './schema';

type Schemas = components['schemas'];

/**
 * A response as the server renders it. DRF renders every field a serializer declares, but
 * drf-spectacular marks a response property required only when it is read-only or required on
 * input, so writable model fields with a default (`priority`, `tags`, `status`…) come out
 * optional. This strips those `?`, through nested components too.
 */
export type Rendered<T> = T extends readonly (infer Item)[]
  ? Rendered<Item>[]
  : T extends object
    ? { [K in keyof T]-?: Rendered<T[K]> }
    : T;

/**
 * A request body whose fields `K` have a server-side default. openapi-typescript types a field
 * with a default as present (its `defaultNonNullable`, right for responses), yet a client may
 * leave it out of a request.
 */
export type WithServerDefaults<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/**
 * `T` with some fields narrowed where the schema is looser than what the server guarantees (a
 * JSONField is `unknown`, a CharField without choices is `string`). The constraint accepts only
 * fields `T` has and types assignable to the generated ones, so a refinement cannot contradict
 * the schema.
 */
export type Refine<T, R extends { [K in keyof R]: K extends keyof T ? T[K] : never }> = Omit<T, keyof R> & R;

// --- Shared enums (drf-spectacular renders model choices as named enums) -----------------------

export type Priority = Schemas['PriorityEnum'];
export type ChannelKind = Schemas['ChannelKindEnum'];
/** The kinds a connector can have (web chat accounts have their own endpoints). */
export type ConnectorKind = Schemas['ConnectorCreateKindEnum'];

// --- Users, workspaces, access (backend/atendo/core/api) ----------------------------------------

/** A workspace as a membership lists it; `TenantProfile` is the whole record. */
export type Tenant = Rendered<Schemas['TenantSummary']>;
export type RoleScopeType = Schemas['ScopeTypeEnum'];
/** A role held by a member: tenant-wide (scope_type null) or in one department or team. */
export type Role = Rendered<Schemas['RoleAssignment']>;
export type MembershipStatus = Schemas['MemberStatusEnum'];
/** Permissions granted in one department or team (on top of the tenant-wide ones). */
export type ScopedPermissions = Rendered<Schemas['ScopedPermissions']>;
/** What a member may do, as the server's access checks compute it (none while not active). */
export type EffectivePermissions = Rendered<Schemas['EffectivePermissions']>;
export type Membership = Rendered<Schemas['Membership']>;
export type User = Rendered<Schemas['Me']>;
export type UserUpdate = Schemas['PatchedMeUpdateRequest'];
export type PublicConfig = Rendered<Schemas['ClientConfig']>;

// --- Messaging (backend/atendo/messaging) -------------------------------------------------------

/** A cursor page as every list endpoint renders it (the schema has one `Paginated…List` each). */
export interface CursorPage<T> extends Pick<Rendered<Schemas['PaginatedConversationList']>, 'next' | 'previous'> {
  results: T[];
}

export type ConversationStatus = Schemas['ConversationStatusEnum'];
export type ConversationContact = Rendered<Schemas['ConversationContact']>;
export type ConversationAssignee = Rendered<Schemas['ConversationAssignee']>;
/** `kind` stays a string: connectors may add kinds before the web app knows them. */
export type ConversationAccount = Rendered<Schemas['ConversationAccount']>;

/**
 * The most urgent SLA of the conversation's open tickets ('' when none applies). Refined: the
 * model's `sla_state` is a CharField without choices, so the schema says `string`.
 */
export type ConversationSlaState = '' | 'ok' | 'warning' | 'breached' | 'paused';

export type Conversation = Refine<Rendered<Schemas['Conversation']>, { sla_state: ConversationSlaState }>;

export type MessageDirection = Schemas['DirectionEnum'];
export type MessageKind = Schemas['MessageKindEnum'];
export type DeliveryStatus = Schemas['DeliveryStatusEnum'];
export type ScanStatus = Schemas['ScanStatusEnum'];
/** `url` is a short-lived download URL; null until the antivirus clears the file. */
export type Attachment = Rendered<Schemas['Attachment']>;
export type MessageAuthor = Rendered<Schemas['MessageAuthor']>;
/** `delivery_status` is null (or '') for inbound messages, notes and system events. */
export type Message = Rendered<Schemas['Message']>;
export type MessagePage = Rendered<Schemas['MessagePage']>;
export type ConversationDetail = Refine<Rendered<Schemas['ConversationDetail']>, { sla_state: ConversationSlaState }>;

export type AssignRequest = WithServerDefaults<Schemas['AssignRequest'], 'note'>;
export type StatusRequest = Schemas['StatusRequest'];

// --- Organization (backend/atendo/organizations) ------------------------------------------------

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * A business calendar: local `[start, end)` intervals per weekday ("24:00" ends at midnight).
 * Refined: `business_hours` is a JSONField (the schema says `unknown`); the server validates
 * this shape (organizations/business_hours_input.py).
 */
export type BusinessHours = {
  timezone: string;
  weekly: Partial<Record<Weekday, [string, string][]>>;
  holidays?: string[];
};

export type Department = Refine<Rendered<Schemas['Department']>, { business_hours: BusinessHours }>;
/** The same component as `Department` (the inbox and the settings once had different shapes). */
export type DepartmentDetail = Department;
export type DepartmentCreate = Refine<Schemas['DepartmentInputRequest'], { business_hours?: BusinessHours }>;
export type DepartmentInput = Refine<Schemas['PatchedDepartmentPatchRequest'], { business_hours?: BusinessHours }>;

export type TeamMember = Rendered<Schemas['TeamMemberOut']>;
export type Team = Rendered<Schemas['Team']>;
export type TeamDetail = Team;
export type TeamCreate = Schemas['TeamInputRequest'];
export type TeamInput = Schemas['PatchedTeamPatchRequest'];

/** `Member` is the same component as `MemberDetail`. */
export type Member = Rendered<Schemas['Member']>;
export type MemberDetail = Member;

// --- Tickets (backend/atendo/tickets) -----------------------------------------------------------

export type TicketStatus = Schemas['TicketStatusEnum'];
/**
 * The ticket's SLA summary ('' when no policy applies). Refined: `Ticket.sla_state` is a CharField
 * without choices and `TicketSla.state` a plain CharField, so the schema says `string`.
 */
export type TicketSlaState = '' | 'ok' | 'warning' | 'breached' | 'paused' | 'met';
export type TicketPerson = Rendered<Schemas['Person']>;
export type TicketNamed = Rendered<Schemas['Named']>;

/** `custom_fields` is a JSONField (the schema says `unknown`): an object of custom values. */
type TicketRefinements = { sla_state: TicketSlaState; custom_fields: Record<string, unknown> };

/**
 * `allowed_statuses`: where the signed-in member may move the ticket now; null in realtime
 * frames, which are not addressed to one member.
 */
export type Ticket = Refine<Rendered<Schemas['Ticket']>, TicketRefinements>;
/** A ticket with its assignments, oldest first (the open one has ended_at null). */
export type TicketDetail = Refine<Rendered<Schemas['TicketDetail']>, TicketRefinements>;

/**
 * GET /tickets/counts: tickets per status in the member's scope with the list's filters. Refined:
 * the serializer's DictField has string keys; the server fills in every status.
 */
export type TicketCounts = Refine<Rendered<Schemas['TicketCounts']>, { counts: Record<TicketStatus, number> }>;

export type TicketAssignment = Rendered<Schemas['TicketAssignment']>;
export type TicketComment = Rendered<Schemas['TicketComment']>;
export type SlaTarget = Schemas['TargetEnum'];
export type SlaClockState = Schemas['StateEnum'];
/** `remaining_seconds`: wall-clock seconds until due when the server answered (running clocks). */
export type SlaClock = Rendered<Schemas['SlaClock']>;
export type TicketSla = Refine<Rendered<Schemas['TicketSla']>, { state: TicketSlaState }>;

export type TicketCreateRequest = WithServerDefaults<Schemas['TicketCreateRequest'], 'description' | 'priority'>;
/** `assignee`: null unassigns; left out, the team's round robin may pick one. */
export type TicketTransferRequest = Schemas['TicketTransferRequest'];
export type TicketCommentRequest = WithServerDefaults<Schemas['TicketCommentInputRequest'], 'internal'>;

// --- Settings (core tenants/domains/members/roles, organizations, connectors) --------------------

/** The whole workspace record (`Tenant` above is the summary in memberships). */
export type TenantProfile = Rendered<Schemas['Tenant']>;
export type TenantUpdate = Schemas['PatchedTenantUpdateRequest'];

export type DnsRecord = Rendered<Schemas['DnsRecord']>;
/** `verification_record` is the TXT record to publish before asking for verification. */
export type TenantDomain = Rendered<Schemas['Domain']>;
export type DomainCreate = WithServerDefaults<Schemas['DomainCreateRequest'], 'is_primary'>;

/** A named permission set (the `Role` component); `Role` above is a role held by a member. */
export type RoleDefinition = Rendered<Schemas['Role']>;
/** One role given to a member, tenant-wide (no scope) or in one department or team. */
export type RoleGrant = Schemas['RoleGrantInputRequest'];
export type MemberInvite = WithServerDefaults<Schemas['MemberInviteRequest'], 'display_name'>;
export type MemberUpdate = Schemas['PatchedMemberUpdateRequest'];

/**
 * Refined: the model's `priority` is a CharField without choices, so the schema says `string`;
 * the input serializer accepts only a priority or '' (every priority).
 */
export type SlaPolicy = Refine<Rendered<Schemas['SlaPolicy']>, { priority: Priority | '' }>;
export type SlaPolicyCreate = Schemas['SlaPolicyInputRequest'];
export type SlaPolicyInput = Schemas['PatchedSlaPolicyInputRequest'];

export type ChannelAccountStatus = Schemas['ChannelAccountStatusEnum'];
export type WebChatPrechatField = Schemas['PrechatFieldRequest'];
/**
 * Refined: `WebChatAccount.settings` is a JSONField (the schema says `unknown`); the server stores
 * what `WebChatSettingsRequest` validated, every key filled in.
 */
export type WebChatSettings = Rendered<Schemas['WebChatSettingsRequest']>;
/** `identity_secret` signs visitor identifiers (HMAC-SHA256); `embed_code` is the `<script>` tag. */
export type WebChatAccount = Refine<Rendered<Schemas['WebChatAccount']>, { settings: WebChatSettings }>;
export type WebChatCreate = Schemas['WebChatCreateRequest'];
export type WebChatUpdate = WithServerDefaults<Schemas['PatchedWebChatUpdateRequest'], 'rotate_secret'>;

/**
 * Refined: `kind` uses the model's ChannelKind choices, but the connector and account endpoints
 * leave web chat out (it has its own), so only connector kinds come back.
 */
type ConnectorKindRefinement = { kind: ConnectorKind };
/** `webhook_url` is '' for e-mail (fetched over IMAP); `credential_keys` never carry values. */
export type ChannelConnector = Refine<Rendered<Schemas['Connector']>, ConnectorKindRefinement>;
export type ConnectorCreate = Schemas['ConnectorCreateRequest'];
export type ConnectorUpdate = Schemas['PatchedConnectorUpdateRequest'];
/** `last_error` is the provider's reason when activation failed. */
export type ChannelAccount = Refine<Rendered<Schemas['Account']>, ConnectorKindRefinement>;
export type AccountCreate = Schemas['AccountCreateRequest'];
export type ChannelAccountUpdate = Schemas['PatchedAccountUpdateRequest'];

// --- Contacts (backend/atendo/contacts) ---------------------------------------------------------

export type IdentityKind = Schemas['IdentityKindEnum'];
/** How a contact is recognised on a channel; values are normalised (E.164 phones, lower-case e-mails). */
export type ContactIdentity = Rendered<Schemas['ContactIdentity']>;
/**
 * Flat custom attributes: names up to 64 characters, scalar values. Refined: `custom_attributes`
 * is a JSONField (the schema says `unknown`); the input serializer enforces this shape.
 */
export type ContactAttributes = Record<string, string | number | boolean | null>;
export type Contact = Refine<Rendered<Schemas['Contact']>, { custom_attributes: ContactAttributes }>;
export type ContactUpdate = Refine<Schemas['PatchedContactFieldsRequest'], { custom_attributes?: ContactAttributes }>;

// --- Quick replies (backend/atendo/knowledge) ---------------------------------------------------

/** `body` may hold placeholders ({{contact.name}}…) the composer fills in. */
export type QuickReply = Rendered<Schemas['QuickReply']>;
export type QuickReplyCreate = Schemas['QuickReplyInputRequest'];
export type QuickReplyInput = Schemas['PatchedQuickReplyPatchRequest'];
