import { describe, expect, it } from 'vitest';
import typeChecks from './types.test-d.ts?raw';
import aliases from './types.ts?raw';

/** The helpers that build aliases; every other export of types.ts is an alias the checks cover. */
const HELPERS = ['Rendered', 'WithServerDefaults', 'Refine'];

const exported = (source: string) =>
  [...source.matchAll(/^export (?:type|interface) (\w+)/gm)].map((m) => m[1]).filter((name) => !HELPERS.includes(name ?? ''));

describe('API types', () => {
  it('lists every alias of types.ts in the type-level checks (types.test-d.ts)', () => {
    const names = exported(aliases);
    expect(names.length).toBeGreaterThan(50);
    const unchecked = names.filter((name) => !new RegExp(`^  ${name}: T\\.${name}[<;]`, 'm').test(typeChecks));
    expect(unchecked, 'add these aliases to Responses, Shapes, Requests or Enums in types.test-d.ts').toEqual([]);
  });

  it('declares no hand-written interface: API shapes come from schema.d.ts', () => {
    // CursorPage is the one generic page (the schema has a Paginated…List per resource).
    const interfaces = [...aliases.matchAll(/^export interface (\w+)/gm)].map((m) => m[1]);
    expect(interfaces, 'alias the component in schema.d.ts (run `make api-types` after a serializer change)').toEqual(['CursorPage']);
  });
});
