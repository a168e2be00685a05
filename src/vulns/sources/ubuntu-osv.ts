import { parseOsv } from './osv.ts';
import { defineAdvisorySource } from './define.ts';

/** Ubuntu Security Notices as OSV: packages are source packages, `published` is when the fix shipped. */
export const source = defineAdvisorySource({
  kind: 'ubuntu-osv',
  description: 'Ubuntu USN / CVE records in OSV JSON (22.04, 24.04; Pro-only fixes skipped)',
  parse: (text, ctx) => parseOsv(text, ctx.location, 'ubuntu-osv', 'ubuntu'),
});
