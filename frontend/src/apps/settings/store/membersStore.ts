import { create } from 'zustand';
import type { MemberDetail, MemberInvite, MemberUpdate, RoleDefinition } from '../../../shared/api/types';
import { refreshMe } from '../../../shared/auth/api';
import { selectCurrentMembership, useAuthStore } from '../../../shared/auth/store';
import * as settingsApi from '../api';
import { type LoadStatus, singleFlight, upsert, without } from './load';

/**
 * Members of the tenant, active, disabled and invited (an invitation is a member not yet joined),
 * and the tenant's role definitions they can be given.
 */
interface MembersState {
  tenant: string | null;
  status: LoadStatus;
  error: unknown;
  members: MemberDetail[];
  roles: RoleDefinition[];
  load: (tenant: string, options?: { force?: boolean }) => Promise<void>;
  invite: (input: MemberInvite) => Promise<MemberDetail>;
  update: (memberId: string, changes: MemberUpdate) => Promise<MemberDetail>;
  remove: (memberId: string) => Promise<void>;
  resendInvitation: (memberId: string) => Promise<void>;
  reset: () => void;
}

const initial = { tenant: null, status: 'idle' as LoadStatus, error: null, members: [], roles: [] as RoleDefinition[] };
const once = singleFlight();

function requireTenant(slug: string | null): string {
  if (!slug) throw new Error('members not loaded');
  return slug;
}

export const useMembersStore = create<MembersState>()((set, get) => ({
  ...initial,

  load: (tenant, options = {}) => {
    const state = get();
    if (!options.force && state.tenant === tenant && state.status === 'ready') return Promise.resolve();
    if (state.tenant !== tenant) set({ ...initial, tenant });
    return once(tenant, async () => {
      set({ status: get().status === 'ready' ? 'ready' : 'loading', error: null });
      try {
        const [members, roles] = await Promise.all([settingsApi.fetchMembers(tenant), settingsApi.fetchRoles(tenant)]);
        if (get().tenant === tenant) set({ members: members.results, roles: roles.results, status: 'ready' });
      } catch (error) {
        if (get().tenant === tenant) set({ status: 'error', error });
      }
    });
  },

  invite: async (input) => {
    const member = await settingsApi.inviteMember(requireTenant(get().tenant), input);
    set({ members: upsert(get().members, member) });
    return member;
  },

  update: async (memberId, changes) => {
    const member = await settingsApi.updateMember(requireTenant(get().tenant), memberId, changes);
    set({ members: upsert(get().members, member) });
    // Changing one's own roles changes what this very screen may show.
    if (selectCurrentMembership(useAuthStore.getState())?.id === memberId) void refreshMe().catch(() => undefined);
    return member;
  },

  remove: async (memberId) => {
    await settingsApi.removeMember(requireTenant(get().tenant), memberId);
    set({ members: without(get().members, memberId) });
  },

  resendInvitation: (memberId) => settingsApi.resendInvitation(requireTenant(get().tenant), memberId),

  reset: () => set({ ...initial }),
}));
