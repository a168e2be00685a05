/** Loads a sorted index of plugins and refuses two plugins answering to the same name. */
export async function loadRegistry<D extends { type: string; aliases?: readonly string[] }>(
  kind: string,
  loaders: Readonly<Record<string, () => Promise<{ default: D }>>>,
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
