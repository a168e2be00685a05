import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AmwError } from '../errors.ts';
import type { LocatedDoc, Path } from './located.ts';
import { parseLocated } from './located.ts';
import { checkSchema, fail } from './check.ts';
import { FileSchema, PolicySchema } from './policy-schema.ts';
import { UNSUPPORTED_MODES, UNSUPPORTED_POLICY_KEYS } from './custodian-keys.ts';

/** A policy as written, with the document it came from so later errors can point into it. */
export interface SourcePolicy {
  readonly name: string;
  readonly doc: LocatedDoc;
  readonly path: Path;
  readonly raw: Record<string, unknown>;
}

async function policyFiles(target: string): Promise<string[]> {
  let info;
  try {
    info = await stat(target);
  } catch (err) {
    throw new AmwError('AMW_NOT_FOUND', `policy file or directory not found: ${target}`, { cause: err });
  }
  if (!info.isDirectory()) return [target];
  const names = (await readdir(target)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return names.map((n) => join(target, n));
}

/** Structural checks that need no account group: YAML, top-level keys, Custodian keys we refuse. */
export function parsePolicies(file: string, text: string): SourcePolicy[] {
  const doc = parseLocated(file, text);
  if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value))
    fail(doc, 'AMW_POLICY_SCHEMA', [], 'a policy file is a mapping with a `policies` list');
  checkSchema(doc, [], FileSchema, doc.value);
  const list = (doc.value as { policies: Record<string, unknown>[] }).policies;
  return list.map((raw, i) => {
    const path: Path = ['policies', i];
    for (const key of Object.keys(raw))
      if ((UNSUPPORTED_POLICY_KEYS as readonly string[]).includes(key))
        fail(
          doc,
          'AMW_POLICY_UNSUPPORTED_KEY',
          [...path, key],
          `Cloud Custodian policy key "${key}" is not supported`,
          true,
        );
    const mode = raw.mode as { type?: unknown } | undefined;
    if (mode && typeof mode.type === 'string' && (UNSUPPORTED_MODES as readonly string[]).includes(mode.type))
      fail(
        doc,
        'AMW_POLICY_UNSUPPORTED_KEY',
        [...path, 'mode', 'type'],
        `Cloud Custodian mode "${mode.type}" is not supported: amiwarden runs pull mode against its inventory`,
      );
    // Variables may stand where numbers go, so only the name and resource are checked strictly here.
    if (typeof raw.name !== 'string') checkSchema(doc, path, PolicySchema, raw);
    return { name: raw.name as string, doc, path, raw };
  });
}

export async function loadPolicies(targets: readonly string[]): Promise<SourcePolicy[]> {
  const out: SourcePolicy[] = [];
  const seen = new Map<string, SourcePolicy>();
  for (const target of targets) {
    for (const file of await policyFiles(target)) {
      const text = await readFile(file, 'utf8');
      for (const p of parsePolicies(file, text)) {
        const prev = seen.get(p.name);
        if (prev) {
          const where = prev.doc.at(prev.path);
          fail(
            p.doc,
            'AMW_POLICY_SCHEMA',
            [...p.path, 'name'],
            `policy name "${p.name}" already used at ${where.file}:${where.line}`,
          );
        }
        seen.set(p.name, p);
        out.push(p);
      }
    }
  }
  return out;
}
