import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.js';

export interface UnscopedActionsPolicyProps {
  /** Actions IAM offers no resource type for (or whose resource jobwatch cannot know). */
  actions: string[];
  /** Why `Resource: *` is acceptable here: becomes the cdk-nag acknowledgment. */
  reason: string;
  description: string;
}

/**
 * The one place a `Resource: *` statement may live: a managed policy holding nothing else,
 * attached to the roles that need it. cdk-nag's `Resource::*` finding is acknowledged on this
 * policy only, so the same statement anywhere else — a function's own policy, say — still fails
 * the check. (CDK would put X-Ray's and log delivery's wildcard into each role's default policy,
 * where acknowledging it would let any new wildcard through.)
 */
export class UnscopedActionsPolicy extends iam.ManagedPolicy {
  constructor(scope: Construct, id: string, props: UnscopedActionsPolicyProps) {
    super(scope, id, {
      description: props.description,
      statements: [new iam.PolicyStatement({ actions: props.actions, resources: ['*'] })],
    });
    acknowledge(this, 'IAM5', props.reason, 'Resource::*');
  }
}
