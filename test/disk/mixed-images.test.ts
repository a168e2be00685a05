import { checkVariants } from '../helpers/variant-check.ts';

checkVariants(['var-partition', 'lvm']);
