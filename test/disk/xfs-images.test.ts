import { checkVariants } from '../helpers/variant-check.ts';

checkVariants(['xfs-gpt-4k', 'mbr-logical']);
