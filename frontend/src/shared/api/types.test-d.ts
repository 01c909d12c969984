/**
 * Type-level checks of `types.ts`, run by `tsc` (`npm run typecheck`, `make lint`): nothing here
 * executes. They fail when an alias decays to `any`/`unknown` (a component renamed or removed in
 * `schema.d.ts`, a JSONField or untyped SerializerMethodField appearing), when a response keeps an
 * optional field, or when a refinement stops matching the generated schema.
 * `types.test.ts` checks that every alias `types.ts` exports is listed in `Aliases` below.
 */
import type { Language } from '../i18n/languages';
import type { components } from './schema';
import type * as T from './types';

type Schemas = components['schemas'];

type Equal<A, B> = (<V>() => V extends A ? 1 : 2) extends <V>() => V extends B ? 1 : 2 ? true : false;
type Expect<Check extends true> = Check;
type IsAny<V> = 0 extends 1 & V ? true : false;
type IsUnknown<V> = IsAny<V> extends true ? false : unknown extends V ? true : false;
type IsNever<V> = [V] extends [never] ? true : false;
type Loose<V> = IsAny<V> extends true ? true : IsUnknown<V> extends true ? true : IsNever<V>;
/** The keys of `V` typed `any`, or `unknown` (unless allowed): `never` when every field is typed. */
type LooseKeys<V, AllowedUnknown extends PropertyKey = never> = {
  [K in keyof V]-?: IsAny<V[K]> extends true ? K : K extends AllowedUnknown ? never : IsUnknown<V[K]> extends true ? K : never;
}[keyof V];
type OptionalKeys<V> = { [K in keyof V]-?: object extends Pick<V, K> ? K : never }[keyof V];

/** Responses: every field is present (DRF renders them all). */
interface Responses {
  Tenant: T.Tenant;
  Role: T.Role;
  ScopedPermissions: T.ScopedPermissions;
  EffectivePermissions: T.EffectivePermissions;
  Membership: T.Membership;
  User: T.User;
  PublicConfig: T.PublicConfig;
  CursorPage: T.CursorPage<T.Conversation>;
  ConversationContact: T.ConversationContact;
  ConversationAssignee: T.ConversationAssignee;
  ConversationAccount: T.ConversationAccount;
  Conversation: T.Conversation;
  Attachment: T.Attachment;
  MessageAuthor: T.MessageAuthor;
  Message: T.Message;
  MessagePage: T.MessagePage;
  ConversationDetail: T.ConversationDetail;
  Department: T.Department;
  DepartmentDetail: T.DepartmentDetail;
  TeamMember: T.TeamMember;
  Team: T.Team;
  TeamDetail: T.TeamDetail;
  Member: T.Member;
  MemberDetail: T.MemberDetail;
  TicketPerson: T.TicketPerson;
  TicketNamed: T.TicketNamed;
  Ticket: T.Ticket;
  TicketDetail: T.TicketDetail;
  TicketCounts: T.TicketCounts;
  TicketAssignment: T.TicketAssignment;
  TicketComment: T.TicketComment;
  SlaClock: T.SlaClock;
  TicketSla: T.TicketSla;
  TenantProfile: T.TenantProfile;
  DnsRecord: T.DnsRecord;
  TenantDomain: T.TenantDomain;
  RoleDefinition: T.RoleDefinition;
  SlaPolicy: T.SlaPolicy;
  WebChatSettings: T.WebChatSettings;
  WebChatAccount: T.WebChatAccount;
  ChannelConnector: T.ChannelConnector;
  ChannelAccount: T.ChannelAccount;
  ContactIdentity: T.ContactIdentity;
  Contact: T.Contact;
  QuickReply: T.QuickReply;
}

/** JSON shapes the client refines (a JSONField's content, as the server validates it). */
interface Shapes {
  BusinessHours: T.BusinessHours;
  ContactAttributes: T.ContactAttributes;
}

interface Requests {
  UserUpdate: T.UserUpdate;
  AssignRequest: T.AssignRequest;
  StatusRequest: T.StatusRequest;
  DepartmentCreate: T.DepartmentCreate;
  DepartmentInput: T.DepartmentInput;
  TeamCreate: T.TeamCreate;
  TeamInput: T.TeamInput;
  TicketCreateRequest: T.TicketCreateRequest;
  TicketTransferRequest: T.TicketTransferRequest;
  TicketCommentRequest: T.TicketCommentRequest;
  TenantUpdate: T.TenantUpdate;
  DomainCreate: T.DomainCreate;
  RoleGrant: T.RoleGrant;
  MemberInvite: T.MemberInvite;
  MemberUpdate: T.MemberUpdate;
  SlaPolicyCreate: T.SlaPolicyCreate;
  SlaPolicyInput: T.SlaPolicyInput;
  WebChatPrechatField: T.WebChatPrechatField;
  WebChatCreate: T.WebChatCreate;
  WebChatUpdate: T.WebChatUpdate;
  ConnectorCreate: T.ConnectorCreate;
  ConnectorUpdate: T.ConnectorUpdate;
  AccountCreate: T.AccountCreate;
  ChannelAccountUpdate: T.ChannelAccountUpdate;
  ContactUpdate: T.ContactUpdate;
  QuickReplyCreate: T.QuickReplyCreate;
  QuickReplyInput: T.QuickReplyInput;
}

interface Enums {
  Priority: T.Priority;
  ChannelKind: T.ChannelKind;
  ConnectorKind: T.ConnectorKind;
  RoleScopeType: T.RoleScopeType;
  MembershipStatus: T.MembershipStatus;
  ConversationStatus: T.ConversationStatus;
  ConversationSlaState: T.ConversationSlaState;
  MessageDirection: T.MessageDirection;
  MessageKind: T.MessageKind;
  DeliveryStatus: T.DeliveryStatus;
  ScanStatus: T.ScanStatus;
  Weekday: T.Weekday;
  TicketStatus: T.TicketStatus;
  TicketSlaState: T.TicketSlaState;
  SlaTarget: T.SlaTarget;
  SlaClockState: T.SlaClockState;
  ChannelAccountStatus: T.ChannelAccountStatus;
  IdentityKind: T.IdentityKind;
}

/** Every alias `types.ts` exports (the helpers `Rendered`, `WithServerDefaults`, `Refine` aside). */
export type Aliases = Responses & Shapes & Requests & Enums;
type Objects = Responses & Shapes & Requests;

/**
 * Fields that are `unknown` on purpose: JSON the web app does not read. Give a field a type here
 * (a refinement in types.ts) before reading it.
 */
interface AllowedUnknown {
  Message: 'metadata';
}
type AllowedFor<K> = K extends keyof AllowedUnknown ? AllowedUnknown[K] : never;

type LooseAliases = { [K in keyof Aliases]: Loose<Aliases[K]> extends true ? K : never }[keyof Aliases];
type AliasesWithLooseFields = {
  [K in keyof Objects]: IsNever<LooseKeys<Objects[K], AllowedFor<K>>> extends true ? never : K;
}[keyof Objects];
type ResponsesWithOptionalFields = {
  [K in keyof Responses]: IsNever<OptionalKeys<Responses[K]>> extends true ? never : K;
}[keyof Responses];

export type NoneIsLoose = [
  // On failure the error names the aliases concerned.
  Expect<Equal<LooseAliases, never>>,
  Expect<Equal<AliasesWithLooseFields, never>>,
  Expect<Equal<ResponsesWithOptionalFields, never>>,
];

/** Each response alias is its component, only narrowed (so it never contradicts the server). */
export type ResponsesMatchTheSchema = [
  Expect<T.Conversation extends Schemas['Conversation'] ? true : false>,
  Expect<T.ConversationDetail extends Schemas['ConversationDetail'] ? true : false>,
  Expect<T.Message extends Schemas['Message'] ? true : false>,
  Expect<T.Ticket extends Schemas['Ticket'] ? true : false>,
  Expect<T.TicketDetail extends Schemas['TicketDetail'] ? true : false>,
  Expect<T.TicketCounts extends Schemas['TicketCounts'] ? true : false>,
  Expect<T.TicketSla extends Schemas['TicketSla'] ? true : false>,
  Expect<T.Department extends Schemas['Department'] ? true : false>,
  Expect<T.SlaPolicy extends Schemas['SlaPolicy'] ? true : false>,
  Expect<T.WebChatAccount extends Schemas['WebChatAccount'] ? true : false>,
  Expect<T.ChannelConnector extends Schemas['Connector'] ? true : false>,
  Expect<T.ChannelAccount extends Schemas['Account'] ? true : false>,
  Expect<T.Contact extends Schemas['Contact'] ? true : false>,
  Expect<T.User extends Schemas['Me'] ? true : false>,
  Expect<T.CursorPage<T.Ticket> extends Schemas['PaginatedTicketList'] ? true : false>,
];

/** Each request alias accepts whatever its component accepts (the server's defaults may be left out). */
export type RequestsMatchTheSchema = [
  Expect<Schemas['AssignRequest'] extends T.AssignRequest ? true : false>,
  Expect<Schemas['TicketCreateRequest'] extends T.TicketCreateRequest ? true : false>,
  Expect<Schemas['PatchedWebChatUpdateRequest'] extends T.WebChatUpdate ? true : false>,
  Expect<Schemas['MemberInviteRequest'] extends T.MemberInvite ? true : false>,
  Expect<Schemas['DomainCreateRequest'] extends T.DomainCreate ? true : false>,
  // …and the server's defaults may be left out.
  Expect<{ assignee: null } extends T.AssignRequest ? true : false>,
  Expect<{ subject: 'Refund' } extends T.TicketCreateRequest ? true : false>,
  Expect<{ name: 'Site' } extends T.WebChatUpdate ? true : false>,
];

/** The unions the app switches on are the generated enums (or the documented refinements). */
export type FieldsTheAppReliesOn = [
  Expect<Equal<T.Conversation['status'], T.ConversationStatus>>,
  Expect<Equal<T.Conversation['priority'], T.Priority>>,
  Expect<Equal<T.Conversation['tags'], string[]>>,
  Expect<Equal<T.Conversation['sla_state'], T.ConversationSlaState>>,
  Expect<Equal<T.ConversationDetail['messages']['results'][number], T.Message>>,
  Expect<Equal<T.Message['kind'], T.MessageKind>>,
  Expect<Equal<T.Message['delivery_status'], T.DeliveryStatus | '' | null>>,
  Expect<Equal<T.Message['attachments'][number]['scan_status'], T.ScanStatus>>,
  Expect<Equal<T.Ticket['status'], T.TicketStatus>>,
  Expect<Equal<T.Ticket['allowed_statuses'], T.TicketStatus[] | null>>,
  Expect<Equal<T.Ticket['sla_state'], T.TicketSlaState>>,
  Expect<Equal<T.TicketDetail['assignments'][number]['reason'], string>>,
  Expect<Equal<T.TicketCounts['counts'], Record<T.TicketStatus, number>>>,
  Expect<Equal<T.TicketSla['clocks'][number]['state'], T.SlaClockState>>,
  Expect<Equal<T.Membership['status'], T.MembershipStatus>>,
  Expect<Equal<T.Membership['roles'][number]['scope_type'], T.RoleScopeType | '' | null>>,
  Expect<Equal<T.User['preferred_language'], Language>>,
  Expect<Equal<T.Contact['language'], Language | ''>>,
  Expect<Equal<T.Department['business_hours'], T.BusinessHours>>,
  Expect<Equal<T.WebChatAccount['settings']['prechat_fields'][number]['type'], 'text' | 'email' | 'tel'>>,
  Expect<Equal<T.ChannelConnector['kind'], T.ConnectorKind>>,
  Expect<Equal<T.SlaPolicy['priority'], T.Priority | ''>>,
  Expect<Equal<T.CursorPage<T.Ticket>['next'], string | null>>,
];

/** `Refine` refuses a field the component lacks and a type the schema would not allow. */
export type RefineGuards = [
  // @ts-expect-error -- no such field on the component
  T.Refine<Schemas['Conversation'], { sla_sate: T.ConversationSlaState }>,
  // @ts-expect-error -- a number is not what the schema says sla_state holds
  T.Refine<Schemas['Conversation'], { sla_state: number }>,
];
