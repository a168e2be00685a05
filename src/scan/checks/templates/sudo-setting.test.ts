import { runTemplateCases } from '../../../../test/helpers/template-cases.ts';

await runTemplateCases('sudo-setting');
