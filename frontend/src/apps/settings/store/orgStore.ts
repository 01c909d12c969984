import { create } from 'zustand';
import type {
  DepartmentCreate,
  DepartmentDetail,
  DepartmentInput,
  SlaPolicy,
  SlaPolicyCreate,
  SlaPolicyInput,
  TeamCreate,
  TeamDetail,
  TeamInput,
} from '../../../shared/api/types';
import * as settingsApi from '../api';
import { type LoadStatus, singleFlight, upsert, without } from './load';

/** Departments (with business hours), their teams and members, and the SLA policies. */
interface OrgState {
  tenant: string | null;
  status: LoadStatus;
  error: unknown;
  departments: DepartmentDetail[];
  teams: TeamDetail[];
  policies: SlaPolicy[];
  load: (tenant: string, options?: { force?: boolean }) => Promise<void>;
  createDepartment: (input: DepartmentCreate) => Promise<DepartmentDetail>;
  updateDepartment: (id: string, changes: DepartmentInput) => Promise<DepartmentDetail>;
  deleteDepartment: (id: string) => Promise<void>;
  createTeam: (input: TeamCreate) => Promise<TeamDetail>;
  updateTeam: (id: string, changes: TeamInput) => Promise<TeamDetail>;
  deleteTeam: (id: string) => Promise<void>;
  addTeamMember: (teamId: string, memberId: string) => Promise<TeamDetail>;
  removeTeamMember: (teamId: string, memberId: string) => Promise<void>;
  createPolicy: (input: SlaPolicyCreate) => Promise<SlaPolicy>;
  updatePolicy: (id: string, changes: SlaPolicyInput) => Promise<SlaPolicy>;
  deletePolicy: (id: string) => Promise<void>;
  reset: () => void;
}

const initial = { tenant: null, status: 'idle' as LoadStatus, error: null, departments: [], teams: [], policies: [] };
const once = singleFlight();

const byName = <T extends { name: string }>(rows: T[]) => rows.slice().sort((a, b) => a.name.localeCompare(b.name));

export const useOrgStore = create<OrgState>()((set, get) => ({
  ...initial,

  load: (tenant, options = {}) => {
    const state = get();
    if (!options.force && state.tenant === tenant && state.status === 'ready') return Promise.resolve();
    if (state.tenant !== tenant) set({ ...initial, tenant });
    return once(tenant, async () => {
      set({ status: get().status === 'ready' ? 'ready' : 'loading', error: null });
      try {
        const [departments, teams, policies] = await Promise.all([
          settingsApi.fetchDepartments(),
          settingsApi.fetchTeams(),
          settingsApi.fetchSlaPolicies(),
        ]);
        if (get().tenant !== tenant) return;
        set({
          departments: byName(departments.results),
          teams: byName(teams.results),
          policies: byName(policies.results),
          status: 'ready',
        });
      } catch (error) {
        if (get().tenant === tenant) set({ status: 'error', error });
      }
    });
  },

  createDepartment: async (input) => {
    const row = await settingsApi.createDepartment(input);
    set({ departments: byName(upsert(get().departments, row)) });
    return row;
  },
  updateDepartment: async (id, changes) => {
    const row = await settingsApi.updateDepartment(id, changes);
    set({ departments: byName(upsert(get().departments, row)) });
    return row;
  },
  deleteDepartment: async (id) => {
    await settingsApi.deleteDepartment(id);
    // Its teams go with it (cascade); policies of the department too.
    set({
      departments: without(get().departments, id),
      teams: get().teams.filter((t) => t.department !== id),
      policies: get().policies.filter((p) => p.department !== id),
    });
  },

  createTeam: async (input) => {
    const row = await settingsApi.createTeam(input);
    set({ teams: byName(upsert(get().teams, row)) });
    return row;
  },
  updateTeam: async (id, changes) => {
    const row = await settingsApi.updateTeam(id, changes);
    set({ teams: byName(upsert(get().teams, row)) });
    return row;
  },
  deleteTeam: async (id) => {
    await settingsApi.deleteTeam(id);
    set({ teams: without(get().teams, id) });
  },
  addTeamMember: async (teamId, memberId) => {
    const row = await settingsApi.addTeamMember(teamId, memberId);
    set({ teams: upsert(get().teams, row) });
    return row;
  },
  removeTeamMember: async (teamId, memberId) => {
    await settingsApi.removeTeamMember(teamId, memberId);
    set({
      teams: get().teams.map((t) => (t.id === teamId ? { ...t, members: t.members.filter((m) => m.id !== memberId) } : t)),
    });
  },

  createPolicy: async (input) => {
    const row = await settingsApi.createSlaPolicy(input);
    set({ policies: byName(upsert(get().policies, row)) });
    return row;
  },
  updatePolicy: async (id, changes) => {
    const row = await settingsApi.updateSlaPolicy(id, changes);
    set({ policies: byName(upsert(get().policies, row)) });
    return row;
  },
  deletePolicy: async (id) => {
    await settingsApi.deleteSlaPolicy(id);
    set({
      policies: without(get().policies, id),
      departments: get().departments.map((d) => (d.default_sla_policy === id ? { ...d, default_sla_policy: null } : d)),
    });
  },

  reset: () => set({ ...initial }),
}));
