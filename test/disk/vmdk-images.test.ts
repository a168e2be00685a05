import { checkFormats } from '../helpers/variant-check.ts';

checkFormats(
  'ext4-gpt',
  ['vmdk-stream', 'vmdk-stream-gd-at-end', 'vmdk-sparse'],
  ['vmdk-stream', 'vmdk-sparse'],
);
// XFS root on LVM with an ext4 /home in the same PV, as the formats carry it.
checkFormats('lvm', ['qcow2-compressed', 'vmdk-stream']);
