import type { Static, TSchema } from '@sinclair/typebox';
import type { OsInfo } from '../os/types.ts';
import type { PackageInventory } from '../packages/types.ts';
import type { Vfs } from '../vfs/vfs.ts';
import type { CoverageGap, Verdict } from './verdict.ts';

/**
 * What a check template may read, as absolute in-image globs: "/etc/ssh/sshd_config",
 * "/etc/ssh/sshd_config.d/*.conf", "/home/* /.ssh/authorized_keys" (no space), or "/**" for the whole tree.
 * `*` matches within one path segment, `**` any number of segments. A source prefetches these; in
 * tests the VFS throws AMW_SCAN_OUTSIDE_READS on any other path.
 */
export interface ReadDeclaration {
  readonly globs: readonly string[];
  /** True when the check walks the whole tree but needs inode metadata only (modes, owners), not file data. */
  readonly metadataOnly?: boolean;
}

/** Everything a check sees. All of it comes from the image; nothing from the host. */
export interface CheckContext {
  readonly vfs: Vfs;
  readonly os: OsInfo;
  readonly packages: PackageInventory;
  /** Per-scan memo so parsed files (passwd, sshd effective config...) are read once across checks. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** Records a part the check could not read (the scan becomes partial) when it can still judge the rest. */
  coverage?(gap: CoverageGap): void;
}

/** A typed, reusable check: rules (data) name a template and give its parameters. */
export interface CheckTemplate<S extends TSchema = TSchema> {
  /** kebab-case; equals the file name under templates/. */
  readonly id: string;
  readonly title: string;
  /** Closed schema of the parameters a rule passes (additionalProperties: false). */
  readonly params: S;
  reads(params: Static<S>): ReadDeclaration;
  evaluate(params: Static<S>, ctx: CheckContext): Promise<Verdict>;
}

export function defineCheckTemplate<S extends TSchema>(template: CheckTemplate<S>): CheckTemplate<S> {
  return template;
}
