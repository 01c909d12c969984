import { create } from 'zustand';
import type { Department, Member, Team } from '../../../shared/api/types';
import { fetchDepartments, fetchMembers, fetchTeams } from '../api';

/**
 * Departments, teams and members of the tenant: filter options, transfer targets, assignees
 * and the names of viewers. Each list loads once per tenant; a refused one (the member lacks
 * the permission) stays empty and the UI offers what it can without it.
 */
export interface DirectoryState {
  tenant: string | null;
  departments: Department[];
  teams: Team[];
  members: Member[];
  membersDenied: boolean;
  loaded: boolean;
  load: (tenant: string) => Promise<void>;
}

let loading: Promise<void> | null = null;

export const useDirectoryStore = create<DirectoryState>()((set, get) => ({
  tenant: null,
  departments: [],
  teams: [],
  members: [],
  membersDenied: false,
  loaded: false,

  load: (tenant) => {
    if (get().tenant === tenant && (get().loaded || loading)) return loading ?? Promise.resolve();
    set({ tenant, departments: [], teams: [], members: [], membersDenied: false, loaded: false });
    loading = Promise.allSettled([fetchDepartments(), fetchTeams(), fetchMembers(tenant)])
      .then(([departments, teams, members]) => {
        if (get().tenant !== tenant) return;
        set({
          departments: departments.status === 'fulfilled' ? departments.value.results : [],
          teams: teams.status === 'fulfilled' ? teams.value.results : [],
          members: members.status === 'fulfilled' ? members.value.results : [],
          membersDenied: members.status === 'rejected',
          loaded: true,
        });
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  },
}));

export function memberName(members: Member[], id: string): string {
  return members.find((m) => m.id === id)?.display_name ?? '';
}
