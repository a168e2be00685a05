// The tree-spec materializer lives in the product (seed snapshots are built from trees); tests use it from here.
export { canChown, layOutTree, loadTreeSpec, mergeTrees, withTree } from '../../src/sim/seed/tree-spec.ts';
export type { TreeSpec } from '../../src/sim/seed/tree-spec.ts';
