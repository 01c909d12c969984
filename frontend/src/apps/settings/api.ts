import { api } from '../../shared/api';
import type {
  AccountCreate,
  ChannelAccount,
  ChannelAccountUpdate,
  ChannelConnector,
  ConnectorCreate,
  ConnectorUpdate,
  CursorPage,
  DepartmentCreate,
  DepartmentDetail,
  DepartmentInput,
  DomainCreate,
  MemberDetail,
  MemberInvite,
  MemberUpdate,
  RoleDefinition,
  SlaPolicy,
  SlaPolicyCreate,
  SlaPolicyInput,
  TeamCreate,
  TeamDetail,
  TeamInput,
  TenantDomain,
  TenantProfile,
  TenantUpdate,
  WebChatAccount,
  WebChatCreate,
  WebChatUpdate,
} from '../../shared/api/types';

/** Settings lists are small (a tenant has tens of departments, not thousands): one page of 200. */
const ALL = 'page_size=200';

const tenantPath = (tenantId: string) => `/api/v1/tenants/${tenantId}`;
const membersPath = (slug: string) => `/api/v1/tenants/${encodeURIComponent(slug)}/members`;

// --- Workspace --------------------------------------------------------------------------------

export const fetchTenant = (tenantId: string) => api.get<TenantProfile>(tenantPath(tenantId));
export const updateTenant = (tenantId: string, changes: TenantUpdate) =>
  api.patch<TenantProfile>(tenantPath(tenantId), changes);

export const fetchDomains = (tenantId: string) => api.get<CursorPage<TenantDomain>>(`${tenantPath(tenantId)}/domains?${ALL}`);
export const addDomain = (tenantId: string, input: DomainCreate) =>
  api.post<TenantDomain>(`${tenantPath(tenantId)}/domains`, input);
export const verifyDomain = (tenantId: string, domainId: string) =>
  api.post<TenantDomain>(`${tenantPath(tenantId)}/domains/${domainId}/verify`);
export const removeDomain = (tenantId: string, domainId: string) =>
  api.delete<void>(`${tenantPath(tenantId)}/domains/${domainId}`);

// --- Members ----------------------------------------------------------------------------------

export const fetchMembers = (slug: string) => api.get<CursorPage<MemberDetail>>(`${membersPath(slug)}?${ALL}`);
export const inviteMember = (slug: string, input: MemberInvite) => api.post<MemberDetail>(membersPath(slug), input);
export const updateMember = (slug: string, memberId: string, changes: MemberUpdate) =>
  api.patch<MemberDetail>(`${membersPath(slug)}/${memberId}`, changes);
export const removeMember = (slug: string, memberId: string) => api.delete<void>(`${membersPath(slug)}/${memberId}`);
export const resendInvitation = (slug: string, memberId: string) =>
  api.post<void>(`${membersPath(slug)}/${memberId}/resend-invitation`);
export const fetchRoles = (slug: string) =>
  api.get<CursorPage<RoleDefinition>>(`/api/v1/tenants/${encodeURIComponent(slug)}/roles?${ALL}`);

// --- Departments, teams, SLA policies -----------------------------------------------------------

export const fetchDepartments = () => api.get<CursorPage<DepartmentDetail>>(`/api/v1/departments?${ALL}`);
export const createDepartment = (input: DepartmentCreate) => api.post<DepartmentDetail>('/api/v1/departments', input);
export const updateDepartment = (id: string, changes: DepartmentInput) =>
  api.patch<DepartmentDetail>(`/api/v1/departments/${id}`, changes);
export const deleteDepartment = (id: string) => api.delete<void>(`/api/v1/departments/${id}`);

export const fetchTeams = () => api.get<CursorPage<TeamDetail>>(`/api/v1/teams?${ALL}`);
export const createTeam = (input: TeamCreate) => api.post<TeamDetail>('/api/v1/teams', input);
export const updateTeam = (id: string, changes: TeamInput) => api.patch<TeamDetail>(`/api/v1/teams/${id}`, changes);
export const deleteTeam = (id: string) => api.delete<void>(`/api/v1/teams/${id}`);
export const addTeamMember = (teamId: string, memberId: string) =>
  api.post<TeamDetail>(`/api/v1/teams/${teamId}/members`, { member: memberId });
export const removeTeamMember = (teamId: string, memberId: string) =>
  api.delete<void>(`/api/v1/teams/${teamId}/members/${memberId}`);

export const fetchSlaPolicies = () => api.get<CursorPage<SlaPolicy>>(`/api/v1/sla-policies?${ALL}`);
export const createSlaPolicy = (input: SlaPolicyCreate) => api.post<SlaPolicy>('/api/v1/sla-policies', input);
export const updateSlaPolicy = (id: string, changes: SlaPolicyInput) =>
  api.patch<SlaPolicy>(`/api/v1/sla-policies/${id}`, changes);
export const deleteSlaPolicy = (id: string) => api.delete<void>(`/api/v1/sla-policies/${id}`);

// --- Channels ---------------------------------------------------------------------------------

export const fetchWebChats = () => api.get<CursorPage<WebChatAccount>>(`/api/v1/channels/webchat?${ALL}`);
export const createWebChat = (input: WebChatCreate) =>
  api.post<WebChatAccount>('/api/v1/channels/webchat', input);
export const updateWebChat = (id: string, changes: WebChatUpdate) =>
  api.patch<WebChatAccount>(`/api/v1/channels/webchat/${id}`, changes);
export const deleteWebChat = (id: string) => api.delete<void>(`/api/v1/channels/webchat/${id}`);

export const fetchConnectors = () => api.get<CursorPage<ChannelConnector>>(`/api/v1/channels/connectors?${ALL}`);
export const createConnector = (input: ConnectorCreate) =>
  api.post<ChannelConnector>('/api/v1/channels/connectors', input);
export const updateConnector = (id: string, changes: ConnectorUpdate) =>
  api.patch<ChannelConnector>(`/api/v1/channels/connectors/${id}`, changes);
export const deleteConnector = (id: string) => api.delete<void>(`/api/v1/channels/connectors/${id}`);

export const fetchAccounts = () => api.get<CursorPage<ChannelAccount>>(`/api/v1/channels/accounts?${ALL}`);
export const createAccount = (input: AccountCreate) => api.post<ChannelAccount>('/api/v1/channels/accounts', input);
export const updateAccount = (id: string, changes: ChannelAccountUpdate) =>
  api.patch<ChannelAccount>(`/api/v1/channels/accounts/${id}`, changes);
/** Only a deactivated account (409 account_active otherwise); its conversations keep their history. */
export const deleteAccount = (id: string) => api.delete<void>(`/api/v1/channels/accounts/${id}`);
export const activateAccount = (id: string) => api.post<ChannelAccount>(`/api/v1/channels/accounts/${id}/activate`);
export const deactivateAccount = (id: string) => api.post<ChannelAccount>(`/api/v1/channels/accounts/${id}/deactivate`);
