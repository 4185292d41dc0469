/** The seeded generator moved to models/random.ts (shared by the fund model and the synthetic data); re-exported here for the fund modules. */
export * from '../random.ts';
