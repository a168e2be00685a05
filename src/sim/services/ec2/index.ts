import type { QueryHandler, ServiceDef } from '../types.ts';
import * as account from './account.ts';
import { describeImages } from './describe-images.ts';
import * as attrs from './image-attributes.ts';
import * as life from './image-lifecycle.ts';
import { describeInstanceImageMetadata, describeInstances } from './instances.ts';
import { deleteSnapshot, describeSnapshotAttribute, describeSnapshots } from './snapshots.ts';
import { createTags, deleteTags } from './tags.ts';
import { describeLaunchTemplates, describeLaunchTemplateVersions } from './templates.ts';

const handlers: Record<string, QueryHandler> = {
  CreateTags: createTags,
  DeleteSnapshot: deleteSnapshot,
  DeleteTags: deleteTags,
  DeregisterImage: life.deregisterImage,
  DescribeImageAttribute: attrs.describeImageAttribute,
  DescribeImages: describeImages,
  DescribeInstanceImageMetadata: describeInstanceImageMetadata,
  DescribeInstances: describeInstances,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  DescribeLaunchTemplates: describeLaunchTemplates,
  DescribeRegions: account.describeRegions,
  DescribeSnapshotAttribute: describeSnapshotAttribute,
  DescribeSnapshots: describeSnapshots,
  DisableImage: life.disableImage,
  DisableImageBlockPublicAccess: account.disableImageBlockPublicAccess,
  DisableImageDeprecation: life.disableImageDeprecation,
  DisableImageDeregistrationProtection: life.disableImageDeregistrationProtection,
  EnableImage: life.enableImage,
  EnableImageBlockPublicAccess: account.enableImageBlockPublicAccess,
  EnableImageDeprecation: life.enableImageDeprecation,
  EnableImageDeregistrationProtection: life.enableImageDeregistrationProtection,
  GetAllowedImagesSettings: account.getAllowedImagesSettings,
  GetImageBlockPublicAccessState: account.getImageBlockPublicAccessState,
  GetSnapshotBlockPublicAccessState: account.getSnapshotBlockPublicAccessState,
  ModifyImageAttribute: attrs.modifyImageAttribute,
  ResetImageAttribute: attrs.resetImageAttribute,
};

export const ec2: ServiceDef = {
  name: 'ec2',
  protocol: 'ec2',
  handlers,
  mutating: new Set(Object.keys(handlers).filter((a) => !/^(Describe|Get)/.test(a))),
};
