import { checkVariants } from '../helpers/variant-check.ts';

checkVariants(['ext4-gpt', 'bare-ext3', 'bare-ext4-inline']);
