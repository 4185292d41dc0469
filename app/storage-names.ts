/**
 * Storage names both the handlers and the stacks need: the table's index names (the CDK stack
 * declares them, the repositories query them) and the request-object prefixes whose creation
 * starts a job (the CDK event rules and the local stack's dispatcher match them). Every key
 * string is built in lambdas/shared/keys.ts, which re-exports these.
 */
export const indexNames = { byMonth: 'byMonth', byDrg: 'byDrg' } as const;

export const simulationRequestPrefix = 'jobs/simulations/';
/** A stress test's request (its creation starts the run). */
export const stressTestRequestPrefix = 'jobs/stress-tests/';
/** A supervision run's request (its creation starts the run), result (ranking, counts) and flags, one object per hospital. */
export const supervisionRequestPrefix = 'jobs/supervision/';
/** A scheme comparison's request (its creation starts the job), status and result. */
export const schemeComparisonPrefix = 'jobs/scheme-comparisons/';
