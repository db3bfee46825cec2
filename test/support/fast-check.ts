import fc from 'fast-check';

/**
 * Property tests run with a fixed seed under `npm test`, so a red CI run means a defect and the same
 * run fails the same way on any machine. `npm run test:properties` sets FC_RANDOM=1 (a new seed each
 * run, printed with any counterexample) and FC_RUNS_FACTOR for more runs, to go looking for new ones.
 */
const random = process.env.FC_RANDOM === '1';
const factor = Number(process.env.FC_RUNS_FACTOR ?? 1) || 1;
fc.configureGlobal({ ...(random ? {} : { seed: 20_261_201 }), numRuns: 100 * factor });
