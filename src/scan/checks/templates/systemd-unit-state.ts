import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { installed } from '../parsers/packages.ts';
import { UNIT_READS, unitName, unitState } from '../parsers/systemd-units.ts';

const Params = Type.Object(
  {
    units: Type.Array(Type.String(), { minItems: 1 }),
    /**
     * enabled: at least one of `units` enabled; not-enabled: none enabled (masked counts as off);
     * masked: every unit that exists is masked; exactly-one: exactly one of `units` enabled.
     */
    state: Type.Union([
      Type.Literal('enabled'),
      Type.Literal('not-enabled'),
      Type.Literal('masked'),
      Type.Literal('exactly-one'),
    ]),
    /** Packages that ship the units: for not-enabled/masked none installed passes outright; for enabled one must be. */
    packages: Type.Array(Type.String(), { default: [] }),
  },
  { additionalProperties: false },
);

export const template = defineCheckTemplate({
  id: 'systemd-unit-state',
  title: 'systemd unit enablement from wants-links and masks (vendor presets not applied)',
  params: Params,
  reads: () => ({ globs: UNIT_READS }),
  async evaluate(p, ctx) {
    let pkgs: string[] = [];
    if (p.packages.length) {
      const found = installed(ctx, p.packages);
      if (!Array.isArray(found)) return found;
      pkgs = found;
      if (pkgs.length === 0 && p.state !== 'enabled' && p.state !== 'exactly-one')
        return pass([`none of ${p.packages.join(', ')} is installed`]);
      if (pkgs.length === 0 && p.state === 'enabled')
        return fail([
          {
            message: `${p.packages.join(' or ')} is not installed, so ${p.units.join('/')} cannot be enabled`,
          },
        ]);
    }
    const states = await Promise.all(
      p.units.map(async (u) => ({ unit: unitName(u), ...(await unitState(ctx, u)) })),
    );
    const enabled = states.filter((s) => s.enabled);
    const ev = states.map(
      (s) =>
        `${s.unit}: ${s.masked ? 'masked' : s.enabled ? 'enabled' : s.present ? 'not enabled' : 'absent'}${s.evidence ? ` (${s.evidence})` : ''}`,
    );
    const findings: Finding[] = [];
    switch (p.state) {
      case 'enabled':
        if (enabled.length === 0)
          findings.push({
            message: `${p.units.map(unitName).join(' or ')} is not enabled (no wants-link)`,
            expected: 'enabled',
          });
        break;
      case 'not-enabled':
        for (const s of enabled)
          findings.push({
            message: `${s.unit} is enabled${pkgs.length ? ` (package ${pkgs.join(', ')} installed)` : ''}`,
            path: s.evidence,
          });
        break;
      case 'masked':
        for (const s of states)
          if (s.present && !s.masked)
            findings.push({ message: `${s.unit} is installed but not masked`, expected: 'masked' });
        break;
      case 'exactly-one':
        if (enabled.length !== 1)
          findings.push({
            message:
              enabled.length === 0
                ? `none of ${p.units.map(unitName).join(', ')} is enabled`
                : `more than one of them is enabled: ${enabled.map((s) => s.unit).join(', ')}`,
            expected: 'exactly one enabled',
          });
        break;
    }
    return findings.length ? fail(findings) : pass(ev);
  },
});
