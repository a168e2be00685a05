import type { SourceKind } from '../model.ts';
import type { AdvisorySource } from './define.ts';

type Loader = () => Promise<AdvisorySource>;

// Sorted by kind; lazy so that importing one feed does not load the XML parser for another.
export const ADVISORY_SOURCES: Readonly<Record<SourceKind, Loader>> = {
  alas: async () => (await import('./alas.ts')).source,
  'alpine-secdb': async () => (await import('./alpine-secdb.ts')).source,
  'debian-packages': async () => (await import('./debian-packages.ts')).source,
  'debian-tracker': async () => (await import('./debian-tracker.ts')).source,
  osv: async () => (await import('./osv.ts')).source,
  'ubuntu-osv': async () => (await import('./ubuntu-osv.ts')).source,
};
