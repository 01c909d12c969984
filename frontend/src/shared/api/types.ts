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
