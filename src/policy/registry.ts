import type { Static, TObject } from '@sinclair/typebox';

export interface PluginDocs {
  readonly summary: string;
  /** A whole policy file in YAML; a meta-test loads and runs every one. */
  readonly example: string;
  /** Where amiwarden deliberately differs from Cloud Custodian. */
  readonly differences?: string;
}

/** What filters and actions have in common; each kind adds what its runner needs to know. */
export interface PluginDef<S extends TObject, Compiled> {
  readonly type: string;
  readonly aliases?: readonly string[];
  /** Custodian's own plugin, or an amiwarden extension. */
  readonly origin: 'custodian' | 'amiwarden';
  /** Closed schema of the options, `type` included. */
  readonly schema: S;
  readonly permissions: readonly string[];
  readonly docs: PluginDocs;
  compile(opts: Static<S>): Compiled;
}

/** A sorted index of one kind: name -> lazy import of the plugin's file. */
export type PluginIndex<D> = Readonly<Record<string, () => Promise<{ default: D }>>>;

/** Loads a sorted index of plugins and refuses two plugins answering to the same name. */
export async function loadRegistry<D extends PluginDef<TObject, unknown>>(
  kind: string,
  loaders: PluginIndex<D>,
): Promise<Map<string, D>> {
  const byName = new Map<string, D>();
  for (const [name, load] of Object.entries(loaders)) {
    const def = (await load()).default;
    if (def.type !== name)
      throw new Error(`${kind} index entry "${name}" loads a ${kind} of type "${def.type}"`);
    for (const n of [def.type, ...(def.aliases ?? [])]) {
      if (byName.has(n)) throw new Error(`duplicate ${kind} "${n}"`);
      byName.set(n, def);
    }
  }
  return byName;
}
