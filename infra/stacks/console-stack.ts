/**
 * The console's stack: the ConsoleSite construct (private S3 bucket + CloudFront with Origin
 * Access Control, forwarding the API paths to the service's HTTP API) and its log bucket.
 * A stack of its own next to the service stack, so the service's resources and their tests stay
 * as they are and the console can be redeployed alone (`cdk deploy PayreformConsole`).
 * CloudFront is global; the stack lives in the service's region, which the distribution
 * forwards the API paths to.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ConsoleSite } from '../constructs/console-site.ts';

export interface ConsoleStackProps extends StackProps {
  api: IHttpApi;
  /** The built console (`web/dist`). */
  siteDir: string;
}

export class ConsoleStack extends Stack {
  readonly site: ConsoleSite;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const logs = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED, // CloudFront and S3 log delivery cannot write to KMS-encrypted buckets
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED, // CloudFront standard logs are delivered with an ACL
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    this.site = new ConsoleSite(this, 'Console', { siteDir: props.siteDir, api: props.api, logBucket: logs });
    new CfnOutput(this, 'ConsoleUrl', { value: `https://${this.site.distribution.distributionDomainName}/` });
  }
}
