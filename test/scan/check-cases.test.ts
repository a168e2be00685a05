import { registerCaseTests } from './case-runner.ts';

// Every rule's scenario cases (test/fixtures/check-cases/*.yml), run through the real engine.
registerCaseTests();
