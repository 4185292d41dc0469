/**
 * The console's stack: a private, TLS-only bucket read by CloudFront through Origin Access
 * Control only, the API paths forwarded to the HTTP API uncached with the viewer's headers, the
 * page rewrite on the S3 behaviour only, the CSP — and cdk-nag with every finding explained.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { explanationFor, nagFindings } from '../../infra/nag.ts';
import { ConsoleStack } from '../../infra/stacks/console-stack.ts';

let stack: ConsoleStack;
let template: Template;

beforeAll(() => {
  const site = mkdtempSync(path.join(tmpdir(), 'payreform-site-'));
  mkdirSync(path.join(site, 'assets'));
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(site, 'assets', 'index.js'), 'export {};');
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'payreform-cdk-')) });
  const env = { region: 'ap-southeast-1' };
  const service = new Stack(app, 'Service', { env });
  stack = new ConsoleStack(app, 'PayreformConsole', { api: new HttpApi(service, 'Api'), siteDir: site, env });
  template = Template.fromStack(stack);
});

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (type: string): [string, Resource][] => Object.entries(template.findResources(type)) as [string, Resource][];

describe('console stack', () => {
  it('keeps the files in a private, TLS-only bucket that only the distribution reads (OAC)', () => {
    for (const [, b] of resources('AWS::S3::Bucket')) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } });
    const policies = resources('AWS::S3::BucketPolicy').map(([, p]) => JSON.stringify(p.Properties.PolicyDocument));
    for (const p of policies) expect(p).toContain('"aws:SecureTransport":"false"');
    expect(policies.some((p) => p.includes('cloudfront.amazonaws.com') && p.includes('AWS:SourceArn'))).toBe(true);
    expect(policies.join()).not.toContain('"Principal":"*","Action":"s3:GetObject"');
  });

  it('forwards the API paths to the HTTP API uncached, rewrites console pages on the S3 behaviour only, and sends the CSP', () => {
    const [, dist] = resources('AWS::CloudFront::Distribution')[0]!;
    const config = dist.Properties.DistributionConfig as { CacheBehaviors: { PathPattern: string; CachePolicyId: string; OriginRequestPolicyId: string; AllowedMethods: string[]; FunctionAssociations?: unknown }[]; DefaultCacheBehavior: { FunctionAssociations: unknown[]; ViewerProtocolPolicy: string }; Origins: { DomainName: unknown; S3OriginConfig?: unknown }[]; Logging?: unknown };
    expect(config.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual(['/health', '/openapi.json', '/v1/*']);
    for (const b of config.CacheBehaviors) {
      expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
      expect(b.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // AllViewerExceptHostHeader
      expect(b.AllowedMethods).toContain('POST');
      expect(b.FunctionAssociations).toBeUndefined();
    }
    expect(config.DefaultCacheBehavior.FunctionAssociations.length).toBe(1);
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(JSON.stringify(config.Origins)).toContain('execute-api');
    expect(config.Logging).toBeDefined();
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: Match.stringLikeRegexp("default-src 'self'") } } } });
  });

  it('has no cdk-nag finding without an explanation', () => {
    const unexplained = nagFindings(stack).filter((f) => !explanationFor(f.id, stack.node.id));
    expect(unexplained).toEqual([]);
  });
});
