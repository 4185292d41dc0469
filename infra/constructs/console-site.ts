/**
 * The console in AWS: the built files (`web/dist`) in a private, encrypted, TLS-only S3 bucket
 * that only CloudFront reads (Origin Access Control, SigV4), behind one CloudFront distribution
 * that also forwards the API's paths (`/v1/*`, `/health`, `/openapi.json`) to the HTTP API —
 * so the console calls the API on its own origin (no CORS), as it does on the local stack.
 * Console paths without a file extension (`/cases`, `/simulations`…) are rewritten to
 * `/index.html` by a viewer-request CloudFront Function on the S3 behaviour only, so API errors
 * (403, 404) reach the browser unchanged. Security headers come from a response headers policy
 * with the same CSP as the local stack's.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods, CachePolicy, Distribution, Function as CfFunction, FunctionCode, FunctionEventType, HeadersFrameOption,
  HeadersReferrerPolicy, HttpVersion, OriginProtocolPolicy, OriginRequestPolicy, PriceClass, ResponseHeadersPolicy, SecurityPolicyProtocol, ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { apiPathPatterns, consoleHeaders } from '../local/console.ts';

export interface ConsoleSiteProps {
  /** The built console (`web/dist`). */
  siteDir: string;
  /** The HTTP API the distribution forwards the API paths to. */
  api: IHttpApi;
  /** Bucket for the distribution's and the site bucket's access logs. */
  logBucket: IBucket;
}

/** Viewer-request function: a path without a file extension is a console page → /index.html. */
export const spaRewrite = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Files', {
      encryption: BucketEncryption.S3_MANAGED, // SSE-S3: CloudFront's OAC reads it without a KMS grant; the files are the public app, not data
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    const csp = consoleHeaders['content-security-policy']!;
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'payreform console: CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: false },
        contentTypeOptions: { override: false },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: false },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: false },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: false },
      },
    });
    const rewrite = new CfFunction(this, 'PageRewrite', { code: FunctionCode.fromInline(spaRewrite), comment: 'console pages → /index.html' });

    const region = Stack.of(this).region;
    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${region}.amazonaws.com`, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY });
    const apiBehavior: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // Never cached; every viewer header but Host (API Gateway needs its own) reaches the API, Authorization included.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'payreform console and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'console-cdn/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: rewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns.map((p) => [p, apiBehavior])),
    });

    // index.html revalidates; hashed assets are immutable. The distribution is invalidated on deploy.
    new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(props.siteDir, { exclude: ['index.html', '*.map'] })],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: false,
    });
    new BucketDeployment(this, 'DeployIndex', {
      sources: [Source.asset(props.siteDir, { exclude: ['*', '!index.html'] })],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.fromString('no-cache')],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/'],
    });
  }
}
