import type { LaunchPermission, Tag } from './resource.ts';

/**
 * The changes actions may make to one account-region. The AWS implementation sends the EC2
 * calls; actions never touch an SDK client themselves, so guardrails sit in one place.
 */
export interface ImageEffects {
  createTags(imageId: string, tags: Tag[]): Promise<void>;
  deleteTags(imageId: string, keys: string[]): Promise<void>;
  deregisterImage(imageId: string): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  enableDeprecation(imageId: string, at: Date): Promise<void>;
  disableImage(imageId: string): Promise<void>;
  enableDeregistrationProtection(imageId: string, withCooldown: boolean): Promise<void>;
  removeLaunchPermissions(imageId: string, perms: LaunchPermission[]): Promise<void>;
}

export type EffectsFor = (accountId: string, region: string) => ImageEffects;
