import { isoMinute, isoMs } from '../../seed/dates.ts';
import type { EstateState } from '../../state/estate.ts';
import type { BlockDevice, Caller, ImageRec } from '../../state/types.ts';
import { ec2Tags } from '../../protocol/xml.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { imageAllowed, isPublic, ownerAlias } from './access.ts';

export function blockDeviceXml(bd: BlockDevice): XmlObject {
  if (!bd.snapshotId && bd.volumeSize === undefined)
    return { deviceName: bd.deviceName, virtualName: bd.virtualName };
  return {
    deviceName: bd.deviceName,
    ebs: {
      snapshotId: bd.snapshotId,
      volumeSize: bd.volumeSize,
      deleteOnTermination: bd.deleteOnTermination,
      volumeType: bd.volumeType,
      encrypted: bd.encrypted,
    },
  };
}

/** The `imagesSet` item; owner-only facts (last launch, protection) only for the owner. */
export function imageXml(state: EstateState, img: ImageRec, caller: Caller, now: number): XmlObject {
  const owner = img.ownerId === caller.accountId;
  const alias = ownerAlias(state, img.ownerId);
  return {
    imageId: img.id,
    imageLocation: `${alias ?? img.ownerId}/${img.name}`,
    imageState: img.state,
    imageOwnerId: img.ownerId,
    creationDate: isoMs(img.created),
    isPublic: isPublic(img),
    productCodes: img.productCodes.length
      ? img.productCodes.map((p) => ({ productCode: p.id, type: p.type }))
      : undefined,
    architecture: img.architecture,
    imageType: img.imageType,
    platform: img.platform,
    platformDetails: img.platformDetails,
    usageOperation: img.usageOperation,
    imageOwnerAlias: alias,
    name: img.name,
    description: img.description,
    rootDeviceType: img.rootDeviceType,
    rootDeviceName: img.rootDeviceName,
    blockDeviceMapping: img.blockDevices.map(blockDeviceXml),
    virtualizationType: img.virtualizationType,
    tagSet: img.tags.size ? ec2Tags(img.tags) : undefined,
    hypervisor: 'xen',
    enaSupport: img.enaSupport,
    sriovNetSupport: 'simple',
    bootMode: img.bootMode,
    tpmSupport: img.tpmSupport,
    imdsSupport: img.imdsSupport,
    deprecationTime: img.deprecationTime === undefined ? undefined : isoMinute(img.deprecationTime),
    sourceImageId: img.sourceImageId,
    sourceImageRegion: img.sourceImageRegion,
    deregistrationProtection: owner ? protectionText(img, now) : undefined,
    lastLaunchedTime: owner && img.lastLaunched !== undefined ? isoMs(img.lastLaunched) : undefined,
    imageAllowed: imageAllowed(state, img, caller, now),
    stateReason:
      img.state === 'failed'
        ? { code: 'Client.InternalError', message: 'Client.InternalError: image creation failed' }
        : undefined,
  };
}

/** Protection as DescribeImages shows it; during a cooldown after disabling it names its end. */
export function protectionText(img: ImageRec, now: number): string {
  if (
    img.deregistrationProtection === 'disabled' &&
    img.protectionCooldownUntil !== undefined &&
    img.protectionCooldownUntil > now
  )
    return `disabled-until-${isoMs(img.protectionCooldownUntil)}`;
  return img.deregistrationProtection;
}

export function isDeprecated(img: ImageRec, now: number): boolean {
  return img.deprecationTime !== undefined && img.deprecationTime <= now;
}
