import { api } from '../../shared/api';
import type {
  ChannelAccount,
  ChannelConnector,
  ConnectorKind,
  CursorPage,
  DepartmentDetail,
  DepartmentInput,
  MemberDetail,
  MemberInvite,
  MemberUpdate,
  SlaPolicy,
  SlaPolicyInput,
  TeamDetail,
  TeamInput,
  TenantDomain,
  TenantProfile,
  TenantUpdate,
  WebChatAccount,
  WebChatSettings,
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
export const addDomain = (tenantId: string, input: { hostname: string; is_primary: boolean }) =>
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

// --- Departments, teams, SLA policies -----------------------------------------------------------

export const fetchDepartments = () => api.get<CursorPage<DepartmentDetail>>(`/api/v1/departments?${ALL}`);
export const createDepartment = (input: DepartmentInput) => api.post<DepartmentDetail>('/api/v1/departments', input);
export const updateDepartment = (id: string, changes: DepartmentInput) =>
  api.patch<DepartmentDetail>(`/api/v1/departments/${id}`, changes);
export const deleteDepartment = (id: string) => api.delete<void>(`/api/v1/departments/${id}`);

export const fetchTeams = () => api.get<CursorPage<TeamDetail>>(`/api/v1/teams?${ALL}`);
export const createTeam = (input: TeamInput) => api.post<TeamDetail>('/api/v1/teams', input);
export const updateTeam = (id: string, changes: TeamInput) => api.patch<TeamDetail>(`/api/v1/teams/${id}`, changes);
export const deleteTeam = (id: string) => api.delete<void>(`/api/v1/teams/${id}`);
export const addTeamMember = (teamId: string, memberId: string) =>
  api.post<TeamDetail>(`/api/v1/teams/${teamId}/members`, { member: memberId });
export const removeTeamMember = (teamId: string, memberId: string) =>
  api.delete<void>(`/api/v1/teams/${teamId}/members/${memberId}`);

export const fetchSlaPolicies = () => api.get<CursorPage<SlaPolicy>>(`/api/v1/sla-policies?${ALL}`);
export const createSlaPolicy = (input: SlaPolicyInput) => api.post<SlaPolicy>('/api/v1/sla-policies', input);
export const updateSlaPolicy = (id: string, changes: SlaPolicyInput) =>
  api.patch<SlaPolicy>(`/api/v1/sla-policies/${id}`, changes);
export const deleteSlaPolicy = (id: string) => api.delete<void>(`/api/v1/sla-policies/${id}`);

// --- Channels ---------------------------------------------------------------------------------

export const fetchWebChats = () => api.get<CursorPage<WebChatAccount>>(`/api/v1/channels/webchat?${ALL}`);
export const createWebChat = (input: { name: string; settings: Partial<WebChatSettings> }) =>
  api.post<WebChatAccount>('/api/v1/channels/webchat', input);
export const updateWebChat = (id: string, changes: WebChatUpdate) =>
  api.patch<WebChatAccount>(`/api/v1/channels/webchat/${id}`, changes);

export const fetchConnectors = () => api.get<CursorPage<ChannelConnector>>(`/api/v1/channels/connectors?${ALL}`);
export const createConnector = (input: { kind: ConnectorKind; name: string; credentials: Record<string, string> }) =>
  api.post<ChannelConnector>('/api/v1/channels/connectors', input);
export const updateConnector = (id: string, changes: { name?: string; credentials?: Record<string, string> }) =>
  api.patch<ChannelConnector>(`/api/v1/channels/connectors/${id}`, changes);
export const deleteConnector = (id: string) => api.delete<void>(`/api/v1/channels/connectors/${id}`);

export const fetchAccounts = () => api.get<CursorPage<ChannelAccount>>(`/api/v1/channels/accounts?${ALL}`);
export const createAccount = (input: {
  connector: string;
  name: string;
  external_id: string;
  default_department: string | null;
  default_team: string | null;
}) => api.post<ChannelAccount>('/api/v1/channels/accounts', input);
export const activateAccount = (id: string) => api.post<ChannelAccount>(`/api/v1/channels/accounts/${id}/activate`);
export const deactivateAccount = (id: string) => api.post<ChannelAccount>(`/api/v1/channels/accounts/${id}/deactivate`);
