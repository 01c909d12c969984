import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLocales } from '../../test/i18n';
import { CONNECTOR_KINDS, CREDENTIALS } from './channelKinds';
import { WEEKDAYS } from './businessHours';
import { SECTIONS } from './sections';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') && !name.endsWith('.test.tsx') ? [path] : [];
  });
}

function lookup(tree: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), tree);
}

describe('settings namespace', () => {
  const locales = readLocales();

  it('has every key the settings code asks for, in every language', () => {
    const used = new Set<string>();
    for (const file of sources(__dirname)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(match[1] ?? '');
    }
    // Keys built at run time, from the lists they are built from.
    for (const s of SECTIONS) used.add(`sections.${s.id}.title`).add(`sections.${s.id}.description`);
    for (const day of WEEKDAYS) used.add(`hours.days.${day}`).add(`hours.short.${day}`);
    for (const kind of ['webchat', ...CONNECTOR_KINDS]) {
      for (const k of ['label', 'add', 'addTitle', 'intro', 'namePlaceholder']) used.add(`channels.kinds.${kind}.${k}`);
    }
    for (const kind of CONNECTOR_KINDS) {
      for (const k of ['credentialsIntro', 'externalId', 'externalIdHint']) used.add(`channels.kinds.${kind}.${k}`);
      for (const spec of CREDENTIALS[kind]) {
        used.add(`channels.credentials.${spec.key}`);
        if (spec.input === 'security') used.add(`channels.security.default_${spec.key}`);
      }
    }
    for (const kind of ['whatsapp', 'telegram']) used.add(`channels.kinds.${kind}.webhookHint`);
    for (const s of ['pending', 'active', 'disabled', 'error']) used.add(`channels.status.${s}`);
    for (const p of ['low', 'normal', 'high', 'urgent']) used.add(`sla.priority.${p}`);
    for (const target of ['first_response_minutes', 'next_response_minutes', 'resolution_minutes']) {
      used.add(`sla.target.${target}`).add(`sla.targetSummary.${target}`);
    }
    for (const unit of ['minutes', 'hours', 'days']) used.add(`sla.units.${unit}`);

    const missing: string[] = [];
    for (const [lng, namespaces] of Object.entries(locales)) {
      for (const key of used) {
        const [ns, path] = key.includes(':') ? key.split(':') : ['settings', key];
        if (typeof lookup(namespaces[ns ?? 'settings'], path ?? '') !== 'string') missing.push(`${lng}/${ns}:${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(200);
  });
});
