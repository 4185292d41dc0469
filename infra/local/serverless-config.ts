/**
 * The serverless-offline (osls) service configuration of the local stack, generated from
 * `infra/routes.ts` — the same declaration the CDK stack is built from.
 */
import { authorizer, jobs, routes } from '../routes.ts';

export interface LocalOptions {
  httpPort: number;
  lambdaPort: number;
  environment: Record<string, string>;
}

export const authorizerName = 'keys';

export function serverlessConfig(o: LocalOptions): Record<string, unknown> {
  const functions: Record<string, unknown> = {};
  for (const r of routes) {
    functions[r.id] = {
      handler: `handlers/${r.id}.handler`,
      timeout: r.timeoutSeconds ?? 29,
      events: [{ httpApi: { method: r.method, path: r.path, ...(r.roles ? { authorizer: { name: authorizerName } } : {}) } }],
    };
  }
  functions[authorizer.id] = { handler: `handlers/${authorizer.id}.handler` };
  for (const j of jobs) functions[j.id] = { handler: `handlers/${j.id}.handler`, timeout: j.timeoutSeconds };
  return {
    service: 'payreform',
    frameworkVersion: '>=3',
    plugins: ['serverless-offline'],
    provider: {
      name: 'aws',
      runtime: 'nodejs20.x',
      stage: 'local',
      region: 'us-east-1',
      environment: o.environment,
      httpApi: {
        authorizers: {
          [authorizerName]: {
            type: 'request',
            functionName: authorizer.id,
            enableSimpleResponses: true,
            payloadVersion: '2.0',
            // No identity source and no cache, as on AWS: the authorizer sees every request and
            // allows it with a context naming the refusal, so the handler answers 401/403 with the
            // service's own Error body (lambdas/http/authorizer.ts).
            resultTtlInSeconds: 0,
          },
        },
      },
    },
    functions,
    custom: {
      'serverless-offline': { host: '127.0.0.1', httpPort: o.httpPort, lambdaPort: o.lambdaPort, noPrependStageInUrl: true, useInProcess: true },
    },
  };
}

/** `METHOD /path` of every HTTP route in a generated configuration (for the agreement test). */
export function configuredRoutes(config: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const f of Object.values(config.functions as Record<string, { events?: { httpApi?: { method: string; path: string } }[] }>)) {
    for (const e of f.events ?? []) if (e.httpApi) out.push(`${e.httpApi.method} ${e.httpApi.path}`);
  }
  return out.sort();
}
