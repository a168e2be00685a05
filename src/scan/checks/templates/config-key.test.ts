import { runTemplateCases } from '../../../../test/helpers/template-cases.ts';

await runTemplateCases('config-key');
