import { defineReport } from './report.ts';

/** The whole scan result as JSON (stable field names; packages included). */
export const report = defineReport({
  id: 'json',
  description: 'the full scan result as JSON',
  render: (r) => JSON.stringify({ schema: 'amiwarden.scan/v1', ...r }, null, 2) + '\n',
});
