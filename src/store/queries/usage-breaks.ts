import type { UsageReference } from './image-usage.ts';
import { USAGE_KINDS } from './image-usage.ts';
import { asgsLaunching, asgsOfConfiguration, scopeKey, splitVersionRef } from './usage-evidence.ts';
import type { AsgFacts, UsageEvidence } from './usage-evidence.ts';

/**
 * What deregistering or disabling an image does to one of its references. Both stop every new
 * launch of the image (disabling also drops its launch permissions), so the answer is the same.
 * - breaks: a launch path that resolves to the image today fails ($Default/$Latest or named template
 *   versions, groups, launch configurations, SSM parameters);
 * - at-risk: a template version nothing collected names: only a launch naming its number fails;
 * - keeps-running: an instance runs on (and an EBS-backed one still stops and starts), but it cannot
 *   be replaced from the image.
 */
export interface BreakingReference {
  kind: string;
  ref_id: string;
  account_id: string;
  region: string;
  state: string;
  effect: 'breaks' | 'at-risk' | 'keeps-running';
  /** How the reference reaches the image. */
  via: string;
  consequence: string;
}

const groupNames = (gs: AsgFacts[]) => gs.map((g) => g.name).join(', ');

function templateVia(ref: UsageReference, ev: UsageEvidence): { aliases: string[]; label: string } {
  const [lt, n] = splitVersionRef(ref.ref_id);
  const t = ev.templates.get(lt);
  const aliases = [
    ...(t?.default_version === n ? ['$Default'] : []),
    ...(t?.latest_version === n ? ['$Latest'] : []),
  ];
  return { aliases, label: t ? `${lt} (${t.name}) version ${n}` : `${lt} version ${n}` };
}

function asgVia(g: AsgFacts | undefined): string {
  if (!g) return 'group not found in the store';
  const parts = g.templates.map(
    (t) =>
      `${t.launch_template_id ?? '(deleted template)'} ${t.version}` +
      (t.resolved_version !== null && t.version !== String(t.resolved_version)
        ? ` = version ${t.resolved_version}`
        : ''),
  );
  if (g.launch_configuration_name) parts.push(`launch configuration ${g.launch_configuration_name}`);
  return parts.join('; ') || 'no launch template or configuration';
}

function explain(
  ref: UsageReference,
  ev: UsageEvidence,
): Omit<BreakingReference, keyof UsageReference | 'kind'> {
  switch (ref.kind) {
    case 'launch-template-version': {
      const { aliases, label } = templateVia(ref, ev);
      const groups = asgsLaunching(ev, ref);
      if (aliases.length || groups.length || ref.state !== 'unnamed-version') {
        const by = [
          ...(aliases.length ? [`${aliases.join(' and ')} of ${label}`] : [label]),
          ...(groups.length ? [`launched by ${groupNames(groups)}`] : []),
        ];
        return {
          effect: 'breaks',
          via: by.join('; '),
          consequence: aliases.length
            ? `launches asking for ${aliases.join(' or ')} (RunInstances, Spot, EC2 Fleet, groups) fail`
            : 'launches naming this version fail',
        };
      }
      return {
        effect: 'at-risk',
        via: `${label}: neither $Default nor $Latest, named by nothing collected`,
        consequence: 'only a launch that names this version number fails',
      };
    }
    case 'auto-scaling-group': {
      const g = ev.asgs.get(scopeKey(ref.account_id, ref.region, ref.ref_id));
      return {
        effect: 'breaks',
        via: asgVia(g),
        consequence:
          ref.state === 'zero-capacity'
            ? 'the next scale-out fails (desired capacity is 0 today)'
            : 'scale-out and instance replacement fail',
      };
    }
    case 'launch-configuration': {
      const groups = asgsOfConfiguration(ev, ref);
      return {
        effect: 'breaks',
        via: groups.length ? `used by ${groupNames(groups)}` : 'used by no collected group',
        consequence: 'groups using it cannot launch instances',
      };
    }
    case 'ssm-parameter': {
      const readers = ev.ssmReaders.get(scopeKey(ref.account_id, ref.region, ref.ref_id)) ?? [];
      return {
        effect: 'breaks',
        via: readers.length ? `read by ${readers.join(', ')}` : 'read by no collected template version',
        consequence: 'whatever resolves the parameter gets an image it cannot launch',
      };
    }
    case 'instance':
      return {
        effect: 'keeps-running',
        via: 'launched from the image',
        consequence: 'keeps running; replacing it from this image fails',
      };
    default:
      return { effect: 'breaks', via: ref.kind, consequence: 'launches through it fail' };
  }
}

const rank = (k: string) => (USAGE_KINDS as readonly string[]).indexOf(k);

/** Every in-use reference with what deregistering or disabling the image now does to it, per account/region. */
export function whatBreaks(refs: readonly UsageReference[], ev: UsageEvidence): BreakingReference[] {
  return refs
    .filter((r) => r.in_use)
    .map((r) => ({
      kind: r.kind,
      ref_id: r.ref_id,
      account_id: r.account_id,
      region: r.region,
      state: r.state,
      ...explain(r, ev),
    }))
    .sort(
      (a, b) =>
        a.account_id.localeCompare(b.account_id) ||
        a.region.localeCompare(b.region) ||
        rank(a.kind) - rank(b.kind) ||
        a.ref_id.localeCompare(b.ref_id),
    );
}
