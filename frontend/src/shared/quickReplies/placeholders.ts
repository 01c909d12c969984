/**
 * Placeholders a quick reply's body may hold, filled in when the agent inserts it (the backend
 * documents the same list in atendo/knowledge/models.py). A placeholder we do not know, or one
 * whose value is missing (a contact without a name), stays as typed: the agent sees it and
 * fixes it before sending instead of the contact reading "Olá, !".
 */
export const PLACEHOLDERS = ['contact.name', 'contact.first_name', 'agent.name', 'agent.first_name'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface PlaceholderContext {
  contact?: { name?: string | null } | null;
  agent?: { name?: string | null } | null;
}

const PATTERN = /\{\{\s*([a-zA-Z_]+(?:\.[a-zA-Z_]+)*)\s*\}\}/g;

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

export function placeholderValues(context: PlaceholderContext): Record<Placeholder, string> {
  const contact = context.contact?.name?.trim() ?? '';
  const agent = context.agent?.name?.trim() ?? '';
  return {
    'contact.name': contact,
    'contact.first_name': firstName(contact),
    'agent.name': agent,
    'agent.first_name': firstName(agent),
  };
}

export function fillPlaceholders(body: string, context: PlaceholderContext): string {
  const values: Record<string, string> = placeholderValues(context);
  return body.replace(PATTERN, (whole, name: string) => values[name.toLowerCase()] || whole);
}
