import type { TSchema } from '@sinclair/typebox';
import type { CheckTemplate } from './template.ts';
import { TEMPLATES } from './templates/index.ts';

export type AnyTemplate = CheckTemplate<TSchema>;

/** Builds the id -> template map; a duplicate id is a programming error and throws at load time. */
export function buildTemplateRegistry(templates: readonly AnyTemplate[]): ReadonlyMap<string, AnyTemplate> {
  const out = new Map<string, AnyTemplate>();
  for (const t of templates) {
    if (out.has(t.id)) throw new Error(`duplicate check template id "${t.id}"`);
    out.set(t.id, t);
  }
  return out;
}

let cached: ReadonlyMap<string, AnyTemplate> | undefined;
export function templateRegistry(): ReadonlyMap<string, AnyTemplate> {
  cached ??= buildTemplateRegistry(TEMPLATES);
  return cached;
}
