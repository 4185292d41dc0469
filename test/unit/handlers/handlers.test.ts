/**
 * Fast unit tests of every HTTP handler (`lambdas/http/`) and job (`lambdas/jobs/`), built with
 * in-memory ports (test/helpers/memory-stores.ts, held to the DynamoDB/S3 adapters' contract by
 * test/integration/ports-contract.test.ts): answers, role rules, validation, what was stored.
 *
 * One test file, one area per module: every vitest file is a fresh process that loads the
 * middy/Powertools stack, the AWS SDK and the reference data (rule pack, code sets) again — about
 * two seconds of CPU each — so the areas share one load. The harness goes first: it sets the
 * service's environment before any handler module reads it.
 */
import './harness.ts';
import './access.ts';
import './cases.ts';
import './ingest.ts';
import './group.ts';
import './code-edition.ts';
import './excel.ts';
import './simulations.ts';
import './stress-tests.ts';
import './supervision.ts';
import './fund.ts';
import './schemes.ts';
import './scheme-comparisons.ts';
import './wiring.ts';
