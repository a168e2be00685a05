import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AmwError } from '../../errors.ts';
import { addFlags, defineFlag } from '../flags.ts';
import type { CommandModule } from './index.ts';

const BUILTIN_DEMO = fileURLToPath(new URL('../../sim/seeds/demo.yml', import.meta.url));

const simFlags = {
  seed: defineFlag({
    name: 'seed',
    description: 'estate seed file (default: the built-in demo estate)',
    kind: 'string',
    placeholder: 'file',
  }),
  port: defineFlag({
    name: 'port',
    description: 'port on 127.0.0.1 (0 picks a free one)',
    kind: 'number',
    placeholder: 'n',
    defaultValue: 4566,
  }),
  synthetic: defineFlag({
    name: 'synthetic',
    description: 'serve a generated estate with this many images instead of a seed',
    kind: 'number',
    placeholder: 'images',
  }),
  accounts: defineFlag({
    name: 'accounts',
    description: 'accounts in a synthetic estate',
    kind: 'number',
    placeholder: 'n',
    defaultValue: 50,
  }),
  randomSeed: defineFlag({
    name: 'random-seed',
    description: 'seed number for the synthetic estate and the fault draws',
    kind: 'number',
    placeholder: 'n',
    defaultValue: 1,
  }),
  throttleRate: defineFlag({
    name: 'throttle-rate',
    description: 'fraction of calls answered with throttling (0..1)',
    kind: 'number',
    placeholder: 'rate',
    defaultValue: 0,
  }),
  errorRate: defineFlag({
    name: 'error-rate',
    description: 'fraction of calls answered with HTTP 5xx (0..1)',
    kind: 'number',
    placeholder: 'rate',
    defaultValue: 0,
  }),
  latencyMs: defineFlag({
    name: 'latency-ms',
    description: 'delay added to every response',
    kind: 'number',
    placeholder: 'ms',
    defaultValue: 0,
  }),
  failRegion: defineFlag({
    name: 'fail-region',
    description: 'regions where every call fails',
    kind: 'list',
    placeholder: 'region',
  }),
} as const;

const SimOptions = Type.Object(
  {
    seed: Type.Optional(Type.String()),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    synthetic: Type.Optional(Type.Integer({ minimum: 0 })),
    accounts: Type.Integer({ minimum: 1 }),
    randomSeed: Type.Integer(),
    throttleRate: Type.Number({ minimum: 0, maximum: 1 }),
    errorRate: Type.Number({ minimum: 0, maximum: 1 }),
    latencyMs: Type.Integer({ minimum: 0 }),
    failRegion: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
type SimOptions = Static<typeof SimOptions>;

export const command: CommandModule = {
  name: 'sim',
  register(program) {
    const cmd = program
      .command('sim')
      .description(
        'run the estate simulator: an AWS-compatible endpoint (EC2, Auto Scaling, STS, SSM, Organizations) on 127.0.0.1',
      );
    addFlags(cmd, ...Object.values(simFlags));
    cmd.action(async (raw: Record<string, unknown>) => {
      const first = Value.Errors(SimOptions, raw).First();
      if (first)
        throw new AmwError('AMW_USAGE', `sim: ${first.path.slice(1) || 'options'}: ${first.message}`);
      await runSim(raw as SimOptions);
    });
  },
};

async function runSim(o: SimOptions): Promise<void> {
  const { startSimulator, SIM_ROOT_CREDENTIALS } = await import('../../sim/index.ts');
  if (o.seed !== undefined && o.synthetic !== undefined)
    throw new AmwError('AMW_USAGE', 'sim: give --seed or --synthetic, not both');
  let seed: Parameters<typeof startSimulator>[0]['seed'];
  if (o.synthetic !== undefined) {
    const { generateSyntheticEstate } = await import('../../sim/synthetic.ts');
    seed = generateSyntheticEstate({ images: o.synthetic, accounts: o.accounts, seed: o.randomSeed });
  } else seed = o.seed ?? BUILTIN_DEMO;
  const sim = await startSimulator({
    seed,
    port: o.port,
    faults: {
      throttleRate: o.throttleRate,
      serverErrorRate: o.errorRate,
      latencyMs: o.latencyMs,
      randomSeed: o.randomSeed,
      failRegions: o.failRegion,
    },
  });
  const mgmt = sim.state.organization?.managementAccount ?? [...sim.state.accounts.keys()][0];
  const source =
    o.synthetic !== undefined
      ? `synthetic estate (${sim.state.images.size} images)`
      : (o.seed ?? 'built-in demo estate');
  process.stdout.write(
    [
      `estate simulator serving ${source} at ${sim.url}`,
      `accounts: ${sim.state.accounts.size}, regions: ${sim.state.regions.join(', ')}, images: ${sim.state.images.size}`,
      '',
      `# credentials of the management account (${mgmt}); other accounts via sts:AssumeRole`,
      `export AWS_ENDPOINT_URL=${sim.url}`,
      `export AWS_ACCESS_KEY_ID=${SIM_ROOT_CREDENTIALS.accessKeyId}`,
      `export AWS_SECRET_ACCESS_KEY=${SIM_ROOT_CREDENTIALS.secretAccessKey}`,
      `export AWS_REGION=${sim.state.regions[0]}`,
      'export AWS_EC2_METADATA_DISABLED=true',
      '',
      'press Ctrl-C to stop',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.close();
}
