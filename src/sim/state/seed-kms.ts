import { createHash } from 'node:crypto';
import { SeedIssue } from '../seed/load.ts';
import type { EstateSeed } from '../seed/schema.ts';
import type { EstateState } from './estate.ts';

/** Deletion is scheduled 30 days out (the KMS default waiting period) for keys seeded pending deletion. */
const DELETION_WAIT_MS = 30 * 86_400_000;

/**
 * Declares the seed's KMS keys. Keys that snapshots name without declaring them already exist in
 * the estate with the default policy; a declaration replaces such a key.
 */
export function loadKmsKeys(seed: EstateSeed, state: EstateState, date: (v: string) => number): void {
  const nowMs = Date.parse(seed.now);
  const declared = new Set<string>();
  seed.accounts.forEach((acct, ai) => {
    for (const [region, rs] of Object.entries(acct.regions ?? {})) {
      (rs.kmsKeys ?? []).forEach((k, i) => {
        const path = ['accounts', ai, 'regions', region, 'kmsKeys', i];
        const arn = `arn:aws:kms:${region}:${acct.id}:key/${k.id}`;
        if (declared.has(k.id)) throw new SeedIssue([...path, 'id'], `duplicate KMS key id ${k.id}`);
        declared.add(k.id);
        const manager = k.manager ?? 'CUSTOMER';
        const foreign = [...(k.policyAccounts ?? []), ...(k.grants ?? []).map((g) => g.grantee)];
        if (manager === 'AWS' && foreign.length > 0)
          throw new SeedIssue(path, 'an AWS managed key cannot be shared (no policyAccounts or grants)');
        const keyState = k.state ?? 'Enabled';
        state.addKmsKey({
          id: k.id,
          arn,
          region,
          ownerId: acct.id,
          description: k.description ?? '',
          created: k.created === undefined ? nowMs : date(k.created),
          state: keyState,
          manager,
          policyAccounts: [...(k.policyAccounts ?? [])],
          grants: (k.grants ?? []).map((g, gi) => ({
            grantId: grantId(k.id, gi),
            grantee: g.grantee,
            operations: [...g.operations],
          })),
          ...(keyState === 'PendingDeletion' ? { deletionDate: nowMs + DELETION_WAIT_MS } : {}),
        });
      });
    }
  });
}

/** Grant ids are 64 hex characters; derived so a seed always yields the same ones. */
export function grantId(keyId: string, n: number): string {
  return createHash('sha256').update(`${keyId}:${n}`).digest('hex');
}
