import { ApiError } from '../protocol/errors.ts';
import { byKey, paginate } from '../protocol/paging.ts';
import type { EstateState } from '../state/estate.ts';
import type { AccountRec, OrganizationRec } from '../state/types.ts';
import type { Ctx, ServiceDef } from './types.ts';

function orgOf(ctx: Ctx, managementOnly = true): OrganizationRec {
  const org = ctx.state.organization;
  const acct = ctx.state.accounts.get(ctx.caller.accountId);
  if (!org || (!acct?.member && acct?.id !== org.managementAccount))
    throw new ApiError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
    );
  if (managementOnly && ctx.caller.accountId !== org.managementAccount)
    throw new ApiError('AccessDeniedException', "You don't have permissions to access this resource.");
  return org;
}

/**
 * Organizations pages hold at most 20 and may be empty while more follow: the first page of every
 * listing here is empty with a NextToken, so callers that stop on an empty page are caught.
 */
function page<T>(ctx: Ctx, list: T[], keyOf: (t: T) => string, field: string) {
  const raw = ctx.json.MaxResults;
  const max = raw === undefined ? 20 : Number(raw);
  if (!(Number.isInteger(max) && max >= 1 && max <= 20))
    throw new ApiError(
      'InvalidInputException',
      'You provided a value that does not match the required pattern.',
    );
  const token = typeof ctx.json.NextToken === 'string' ? ctx.json.NextToken : undefined;
  const fingerprint = `${field}|${JSON.stringify({ ...ctx.json, NextToken: undefined, MaxResults: undefined })}`;
  const invalidToken = () => new ApiError('InvalidInputException', 'The NextToken value is not valid.');
  if (token === undefined && list.length > 0)
    return { [field]: [], NextToken: `start.${Buffer.from(fingerprint).toString('base64url')}` };
  if (token?.startsWith('start.')) {
    if (token !== `start.${Buffer.from(fingerprint).toString('base64url')}`) throw invalidToken();
    const pg = paginate(list, keyOf, { max, token: undefined, fingerprint, invalidToken });
    return { [field]: pg.items, NextToken: pg.nextToken };
  }
  const pg = paginate(list, keyOf, { max, token, fingerprint, invalidToken });
  return { [field]: pg.items, NextToken: pg.nextToken };
}

function accountJson(state: EstateState, org: OrganizationRec, a: AccountRec) {
  const path = [...state.ouPath(a.id)].reverse();
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::${org.managementAccount}:account/${org.id}/${a.id}`,
    Email: a.email,
    Name: a.name,
    Status: a.state === 'ACTIVE' ? 'ACTIVE' : a.state === 'SUSPENDED' ? 'SUSPENDED' : 'PENDING_CLOSURE',
    State: a.state,
    Paths: [`${org.id}/${org.rootId}/${path.map((p) => `${p}/`).join('')}`],
    JoinedMethod: a.id === org.managementAccount ? 'CREATED' : 'INVITED',
    JoinedTimestamp: a.joined / 1000,
  };
}

const members = (state: EstateState, org: OrganizationRec) =>
  [...state.accounts.values()]
    .filter((a) => a.member || a.id === org.managementAccount)
    .sort(byKey((a) => a.id));

function ouJson(org: OrganizationRec, ou: { id: string; name: string }) {
  return {
    Id: ou.id,
    Arn: `arn:aws:organizations::${org.managementAccount}:ou/${org.id}/${ou.id}`,
    Name: ou.name,
  };
}

function parentId(ctx: Ctx, org: OrganizationRec): string {
  const id = ctx.json.ParentId;
  if (id !== org.rootId && !org.ous.some((o) => o.id === id))
    throw new ApiError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
    );
  return id as string;
}

export const organizations: ServiceDef = {
  name: 'organizations',
  protocol: 'json',
  targetPrefix: 'AWSOrganizationsV20161128',
  regionless: true,
  handlers: {
    DescribeOrganization: (ctx) => {
      const org = orgOf(ctx, false);
      const mgmt = ctx.state.accounts.get(org.managementAccount)!;
      return {
        Organization: {
          Id: org.id,
          Arn: `arn:aws:organizations::${org.managementAccount}:organization/${org.id}`,
          FeatureSet: 'ALL',
          MasterAccountArn: `arn:aws:organizations::${org.managementAccount}:account/${org.id}/${org.managementAccount}`,
          MasterAccountId: org.managementAccount,
          MasterAccountEmail: mgmt.email,
        },
      };
    },
    ListAccounts: (ctx) => {
      const org = orgOf(ctx);
      return page(
        ctx,
        members(ctx.state, org).map((a) => accountJson(ctx.state, org, a)),
        (a) => a.Id,
        'Accounts',
      );
    },
    ListAccountsForParent: (ctx) => {
      const org = orgOf(ctx);
      const parent = parentId(ctx, org);
      const list = members(ctx.state, org).filter((a) => (a.ou ?? org.rootId) === parent);
      return page(
        ctx,
        list.map((a) => accountJson(ctx.state, org, a)),
        (a) => a.Id,
        'Accounts',
      );
    },
    ListRoots: (ctx) => {
      const org = orgOf(ctx);
      const roots = [
        {
          Id: org.rootId,
          Arn: `arn:aws:organizations::${org.managementAccount}:root/${org.id}/${org.rootId}`,
          Name: 'Root',
          PolicyTypes: [],
        },
      ];
      return page(ctx, roots, (r) => r.Id, 'Roots');
    },
    ListOrganizationalUnitsForParent: (ctx) => {
      const org = orgOf(ctx);
      const parent = parentId(ctx, org);
      const list = org.ous.filter((o) => o.parent === parent).map((o) => ouJson(org, o));
      return page(ctx, list.sort(byKey((o) => o.Id)), (o) => o.Id, 'OrganizationalUnits');
    },
    ListParents: (ctx) => {
      const org = orgOf(ctx);
      const child = ctx.json.ChildId as string;
      const acct = ctx.state.accounts.get(child);
      const ou = org.ous.find((o) => o.id === child);
      if (!ou && !(acct && (acct.member || acct.id === org.managementAccount)))
        throw new ApiError(
          'ChildNotFoundException',
          "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
        );
      const parent = ou ? ou.parent : (acct!.ou ?? org.rootId);
      return page(
        ctx,
        [{ Id: parent, Type: parent === org.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }],
        (p) => p.Id,
        'Parents',
      );
    },
  },
};
