import {
  businessOutline,
  chatbubblesOutline,
  flashOutline,
  gitNetworkOutline,
  peopleOutline,
  personCircleOutline,
  timeOutline,
} from 'ionicons/icons';

export type SectionId = 'profile' | 'quick-replies' | 'workspace' | 'members' | 'departments' | 'sla' | 'channels';

export interface Section {
  id: SectionId;
  icon: string;
  /** Shown when the member holds one of these tenant-wide (none: everyone). */
  anyOf: readonly string[];
}

/**
 * The settings screens in menu order. Each admin screen appears only to roles that may change
 * something in it (the API refuses the rest anyway): an agent sees their profile and quick replies.
 */
export const SECTIONS: readonly Section[] = [
  { id: 'profile', icon: personCircleOutline, anyOf: [] },
  // Every member keeps personal quick replies; shared ones are read-only without knowledge.manage.
  { id: 'quick-replies', icon: flashOutline, anyOf: [] },
  { id: 'workspace', icon: businessOutline, anyOf: ['tenant.manage', 'domain.manage'] },
  { id: 'members', icon: peopleOutline, anyOf: ['member.invite', 'member.manage'] },
  { id: 'departments', icon: gitNetworkOutline, anyOf: ['department.manage'] },
  { id: 'sla', icon: timeOutline, anyOf: ['department.manage'] },
  { id: 'channels', icon: chatbubblesOutline, anyOf: ['channel.manage'] },
];

export function visibleSections(can: (permission: string) => boolean): Section[] {
  return SECTIONS.filter((s) => s.anyOf.length === 0 || s.anyOf.some(can));
}

export function isSectionId(value: string | undefined): value is SectionId {
  return SECTIONS.some((s) => s.id === value);
}
