import { checkFormats } from '../helpers/variant-check.ts';

checkFormats(
  'ext4-gpt',
  [
    'qcow2',
    'qcow2-compressed',
    'qcow2-4k-compat0.10',
    'qcow2-2m',
    'qcow2-2m-compressed',
    'qcow2-extended-l2',
  ],
  ['qcow2-compressed', 'qcow2-extended-l2'],
);
