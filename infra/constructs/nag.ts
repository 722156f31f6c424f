import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on one construct (and what it contains), with
 * the reason it is acceptable. A rule that reports findings (IAM4, IAM5) is acknowledged per
 * finding — `finding` is the exact text cdk-nag prints between the brackets, e.g.
 * `Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:jobwatch/dev/*`
 * — so the same rule on another construct, or another finding on this one, still fails.
 *
 * @example acknowledge(queue, 'SQS3', 'A dead-letter queue needs no dead-letter queue of its own.');
 */
export function acknowledge(scope: IConstruct, rule: string, reason: string, finding?: string): void {
  const id = `AwsSolutions::AwsSolutions-${rule}${finding === undefined ? '' : `[${finding}]`}`;
  Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag prints an ARN made of the stack's partition, region and account, then `rest`. */
export function nagArn(service: string, rest: string): string {
  return `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${rest}`;
}
