import { AmwError } from '../../errors.ts';
import type { OsInfo } from '../os/types.ts';
import type { Catalog, Control, Level } from './catalog-schema.ts';
import type { CheckSet } from './loader.ts';

export type CheckKind = 'cis' | 'hygiene' | 'all';

export interface Selection {
  readonly benchmark?: string;
  readonly level?: 1 | 2;
  readonly checks?: CheckKind;
}

export interface Selected {
  readonly catalogs: Array<{ catalog: Catalog; controls: Control[] }>;
  /** Why part of what was asked for could not be selected (no benchmark for this OS). */
  readonly notes: string[];
}

const LEVEL_1: readonly Level[] = ['l1_server', 'l1_workstation', 'hygiene'];

/** A benchmark catalog is one with an `os`; the hygiene catalog (no `os`) fits every image. */
export const isBenchmark = (c: Catalog): boolean => c.os !== undefined;

export function catalogFitsOs(c: Catalog, os: OsInfo): boolean {
  return c.os !== undefined && c.os.id === os.id && c.os.versions.includes(os.versionId);
}

/** Picks catalogs by --benchmark / --checks and controls by --level (level 2 includes level 1). */
export function selectControls(set: CheckSet, os: OsInfo, sel: Selection): Selected {
  const kind = sel.checks ?? 'all';
  const notes: string[] = [];
  const chosen: Catalog[] = [];
  if (kind !== 'hygiene') {
    if (sel.benchmark) {
      const c = set.catalogs.get(sel.benchmark);
      if (!c || !isBenchmark(c))
        throw new AmwError(
          'AMW_USAGE',
          `unknown benchmark "${sel.benchmark}" (known: ${
            [...set.catalogs.values()]
              .filter(isBenchmark)
              .map((x) => x.id)
              .join(', ') || 'none'
          })`,
        );
      if (!catalogFitsOs(c, os)) notes.push(`benchmark ${c.id} was chosen by hand for ${os.prettyName}`);
      chosen.push(c);
    } else {
      const fit = [...set.catalogs.values()].filter((c) => catalogFitsOs(c, os));
      if (fit.length === 0)
        notes.push(`no CIS benchmark for ${os.prettyName} (${os.id} ${os.versionId}); CIS checks not run`);
      chosen.push(...fit);
    }
  }
  if (kind !== 'cis') chosen.push(...[...set.catalogs.values()].filter((c) => !isBenchmark(c)));
  return { catalogs: atLevel(chosen, sel), notes };
}

const atLevel = (chosen: readonly Catalog[], sel: Selection): Selected['catalogs'] =>
  chosen.map((catalog) => ({
    catalog,
    controls: catalog.controls.filter(
      (ctl) => sel.level !== 1 || ctl.levels.some((l) => LEVEL_1.includes(l)),
    ),
  }));

/**
 * Every control a selection can pick, whatever OS the image turns out to hold: what a source can
 * prepare for while it opens the image, before the OS is known.
 */
export function selectForAnyOs(set: CheckSet, sel: Selection): Selected['catalogs'] {
  const kind = sel.checks ?? 'all';
  const chosen = [...set.catalogs.values()].filter((c) =>
    isBenchmark(c) ? kind !== 'hygiene' && (!sel.benchmark || c.id === sel.benchmark) : kind !== 'cis',
  );
  return atLevel(chosen, sel);
}
