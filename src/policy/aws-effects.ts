import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeleteTagsCommand,
  DeregisterImageCommand,
  DisableImageCommand,
  EnableImageDeprecationCommand,
  EnableImageDeregistrationProtectionCommand,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { Kysely } from 'kysely';
import { assumeRoleCredentials } from '../aws/accounts.ts';
import { regionClients } from '../aws/clients.ts';
import type { AwsAccess, RegionClients } from '../aws/clients.ts';
import { wrapAwsError } from '../aws/errors.ts';
import type { Database } from '../store/schema.ts';
import type { EffectsFor, ImageEffects } from './effects.ts';

/** EC2 calls for one account-region; the account's access (role, endpoint) comes from the caller. */
function ec2Effects(clients: RegionClients): ImageEffects {
  const ec2 = clients.ec2;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      throw wrapAwsError(err, what);
    }
  };
  return {
    createTags: (id, tags) =>
      call(`tagging ${id}`, () => ec2.send(new CreateTagsCommand({ Resources: [id], Tags: tags }))),
    deleteTags: (id, keys) =>
      call(`untagging ${id}`, () =>
        ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: keys.map((Key) => ({ Key })) })),
      ),
    deregisterImage: (id) =>
      call(`deregistering ${id}`, () => ec2.send(new DeregisterImageCommand({ ImageId: id }))),
    deleteSnapshot: (id) =>
      call(`deleting ${id}`, () => ec2.send(new DeleteSnapshotCommand({ SnapshotId: id }))),
    enableDeprecation: (id, at) =>
      call(`deprecating ${id}`, () =>
        ec2.send(new EnableImageDeprecationCommand({ ImageId: id, DeprecateAt: at })),
      ),
    disableImage: (id) => call(`disabling ${id}`, () => ec2.send(new DisableImageCommand({ ImageId: id }))),
    enableDeregistrationProtection: (id, withCooldown) =>
      call(`protecting ${id}`, () =>
        ec2.send(new EnableImageDeregistrationProtectionCommand({ ImageId: id, WithCooldown: withCooldown })),
      ),
    removeLaunchPermissions: (id, perms) =>
      call(`unsharing ${id}`, () =>
        ec2.send(
          new ModifyImageAttributeCommand({
            ImageId: id,
            LaunchPermission: {
              Remove: perms.map((p) =>
                p.Group === 'all'
                  ? { Group: 'all' as const }
                  : p.UserId
                    ? { UserId: p.UserId }
                    : p.OrganizationArn
                      ? { OrganizationArn: p.OrganizationArn }
                      : { OrganizationalUnitArn: p.OrganizationalUnitArn },
              ),
            },
          }),
        ),
      ),
  };
}

/** Effects through the AWS SDK, one set of clients per account-region, built on first use. */
export class AwsEffects {
  readonly #clients = new Map<string, RegionClients>();
  constructor(private readonly accessFor: (accountId: string, region: string) => AwsAccess) {}

  readonly for: EffectsFor = (accountId, region) => {
    const key = `${accountId}/${region}`;
    let c = this.#clients.get(key);
    if (!c) {
      c = regionClients(this.accessFor(accountId, region), region);
      this.#clients.set(key, c);
    }
    return ec2Effects(c);
  };

  close(): void {
    for (const c of this.#clients.values()) c.destroy();
    this.#clients.clear();
  }
}

/** Effects that reach each account through the role its collection used, or directly without one. */
export async function storeAwsEffects(
  db: Kysely<Database>,
  endpoint: string | undefined,
): Promise<AwsEffects> {
  const rows = await db.selectFrom('accounts').select(['account_id', 'role_arn']).execute();
  const roles = new Map(rows.map((a) => [a.account_id, a.role_arn]));
  const base: AwsAccess = endpoint ? { endpoint } : {};
  return new AwsEffects((accountId, region): AwsAccess => {
    const role = roles.get(accountId);
    return role ? { ...base, credentials: assumeRoleCredentials(base, region, role) } : base;
  });
}
