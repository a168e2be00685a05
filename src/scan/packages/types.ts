/** One installed package as the image's own package database records it. */
export interface InstalledPackage {
  readonly manager: 'dpkg' | 'rpm' | 'apk';
  readonly name: string;
  /** The full version string as the manager writes it: dpkg "1:2.3-4", rpm "2.3-4.amzn2023" (epoch separate). */
  readonly version: string;
  /** rpm epoch when set (dpkg keeps its epoch inside `version`). */
  readonly epoch?: number;
  readonly arch?: string;
  /** The source package (dpkg `Source:` / rpm sourcerpm name); defaults to `name` when absent. */
  readonly sourceName?: string;
  /** The source package's version when it differs from the binary's (dpkg `Source: foo (1.2-3)`). */
  readonly sourceVersion?: string;
  readonly license?: string;
  readonly maintainer?: string;
}

/** The result of reading a package database: never "clean" when it could not be read. */
export type PackageInventory =
  | {
      readonly status: 'ok';
      readonly manager: InstalledPackage['manager'];
      readonly packages: readonly InstalledPackage[];
    }
  | { readonly status: 'none'; readonly reason: string }
  | {
      readonly status: 'unreadable';
      readonly manager: InstalledPackage['manager'] | 'unknown';
      readonly reason: string;
    };
