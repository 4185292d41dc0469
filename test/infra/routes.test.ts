/** The CDK stack and the serverless-offline configuration come from the one route declaration. */
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/reference.ts';
import { writeReference } from '../../infra/local/build.ts';
import { configuredRoutes, serverlessConfig } from '../../infra/local/serverless-config.ts';
import { routes } from '../../app/routes.ts';
import { ServiceStack } from '../../infra/stacks/service-stack.ts';

describe('one route declaration', () => {
  it('gives the same routes, handlers and authorization to CDK and serverless-offline', () => {
    const referenceDir = path.join(projectRoot, '.build', 'reference');
    writeReference(referenceDir);
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const template = Template.fromStack(new ServiceStack(app, 'Routes', { referenceDir, env: { region: 'ap-southeast-1' } }));
    const cdkRoutes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => {
      const p = (r as { Properties: { RouteKey: string; AuthorizationType: string } }).Properties;
      return `${p.RouteKey} ${p.AuthorizationType === 'CUSTOM' ? 'key' : 'public'}`;
    }).sort();
    const config = serverlessConfig({ httpPort: 3000, lambdaPort: 3002, environment: {} });
    const fns = config.functions as Record<string, { handler: string; events?: { httpApi: { method: string; path: string; authorizer?: unknown } }[] }>;
    const offlineRoutes = Object.values(fns).flatMap((f) => (f.events ?? []).map((e) => `${e.httpApi.method} ${e.httpApi.path} ${e.httpApi.authorizer ? 'key' : 'public'}`)).sort();
    expect(offlineRoutes).toEqual(cdkRoutes);
    expect(configuredRoutes(config)).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    for (const r of routes) expect(fns[r.id]!.handler).toBe(`handlers/${r.id}.handler`);
  });
});
