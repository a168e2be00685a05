import type { PolicyImage } from './resource.ts';
import { snapshotIds } from './resource.ts';
import { CollectedAllowedImages } from './allowed-images/collected.ts';

/**
 * Everything the collector saw across the organisation, indexed once per run: guardrails ask
 * it org-wide questions (which accounts are ours, which images hold a snapshot) that no single
 * policy's matched set can answer.
 */
export class Inventory {
  readonly images: readonly PolicyImage[];
  readonly accounts: ReadonlySet<string>;
  /** Each collected account-region's Allowed AMIs state and criteria (none when not loaded). */
  readonly allowedImages: CollectedAllowedImages;
  readonly #bySnapshot = new Map<string, PolicyImage[]>();
  readonly #byId = new Map<string, PolicyImage>();

  constructor(
    images: readonly PolicyImage[],
    extraAccounts: readonly string[] = [],
    allowedImages: CollectedAllowedImages = new CollectedAllowedImages(),
  ) {
    this.images = images;
    this.allowedImages = allowedImages;
    this.accounts = new Set([...images.map((i) => i.accountId), ...extraAccounts]);
    for (const img of images) {
      this.#byId.set(img.resource.ImageId, img);
      for (const snap of snapshotIds(img.resource)) {
        const list = this.#bySnapshot.get(snap);
        if (list) list.push(img);
        else this.#bySnapshot.set(snap, [img]);
      }
    }
  }

  image(imageId: string): PolicyImage | undefined {
    return this.#byId.get(imageId);
  }

  /** Images in any state except deregistered that reference the snapshot, `except` excluded. */
  snapshotHolders(snapshotId: string, except?: PolicyImage): PolicyImage[] {
    return (this.#bySnapshot.get(snapshotId) ?? []).filter(
      (i) => i !== except && i.resource.State !== 'deregistered',
    );
  }
}
