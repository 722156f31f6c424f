import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { JobwatchFunction } from './jobwatch-function.js';
import { acknowledge } from './nag.js';

export interface JobwatchApiProps {
  handler: lambda.IFunction;
  restApiName: string;
  logRetention: logs.RetentionDays;
  /** The stage's steady rate and burst (requests a second); above them API Gateway answers 429. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Authorize API calls with JWTs from this issuer instead of IAM (SigV4). */
  jwt?: { issuer: string; audience: string; jwksUrl?: string } | undefined;
  tracingPolicy: iam.IManagedPolicy;
}

/**
 * The REST API: one Lambda proxy integration behind IAM (SigV4) on every route by default, or a
 * JWT token authorizer when an issuer is configured; access logs, X-Ray, and the stage throttle
 * from the deploy settings. Resources are created in `scope` under the ids they always had.
 */
export function addJobwatchApi(scope: Construct, props: JobwatchApiProps): apigateway.RestApi {
  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', { retention: props.logRetention });
  const api = new apigateway.RestApi(scope, 'Api', {
    restApiName: props.restApiName,
    description: 'jobwatch: watch vendor jobs (IAM auth on every route)',
    cloudWatchRole: true,
    deployOptions: {
      stageName: 'v1',
      tracingEnabled: true,
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      throttlingRateLimit: props.throttle.rateLimit,
      throttlingBurstLimit: props.throttle.burstLimit,
    },
    defaultIntegration: new apigateway.LambdaIntegration(props.handler, { proxy: true }),
  });
  // The guard is set per method, not as the API's default, so the dashboard's two GETs can go
  // without it: a resource's own GET takes precedence over its ANY, and `/ui/{file}` over
  // `/{proxy+}`.
  const guarded = methodOptions(scope, props);
  api.root.addMethod('ANY', undefined, guarded);
  api.root.addProxy({ anyMethod: true, defaultMethodOptions: guarded });
  if (props.jwt) openDashboard(api);
  acknowledgeApiFindings(api, props.jwt !== undefined);
  return api;
}

/**
 * `GET /` and `GET /ui/{file}` without the authorizer: a browser opening a URL cannot send a
 * bearer token, and these answer only the page's own static files (no job data; the function
 * serves a fixed list of files by name). The page then calls the guarded routes with the token
 * the user gives it. Under IAM auth a browser cannot sign its calls, so nothing is opened there.
 */
function openDashboard(api: apigateway.RestApi): void {
  const open: apigateway.MethodOptions = { authorizationType: apigateway.AuthorizationType.NONE };
  const methods = [
    api.root.addMethod('GET', undefined, open),
    api.root.addResource('ui').addResource('{file}').addMethod('GET', undefined, open),
  ];
  for (const method of methods) {
    const reason =
      "The dashboard's static page and assets: no job data, a fixed list of files; a browser opening a URL cannot send the token the data routes require.";
    acknowledge(method, 'APIG4', reason);
    acknowledge(method, 'COG4', reason);
  }
}

function methodOptions(scope: Construct, props: JobwatchApiProps): apigateway.MethodOptions {
  const { jwt } = props;
  if (!jwt) return { authorizationType: apigateway.AuthorizationType.IAM };
  return {
    authorizationType: apigateway.AuthorizationType.CUSTOM,
    authorizer: new apigateway.TokenAuthorizer(scope, 'JwtAuthorizer', {
      handler: new JobwatchFunction(scope, 'JwtAuthorizerFunction', {
        entry: 'functions/jwt-authorizer.ts',
        environment: {
          JWT_ISSUER: jwt.issuer,
          JWT_AUDIENCE: jwt.audience,
          JWT_JWKS_URL: jwt.jwksUrl ?? '',
        },
        timeout: Duration.seconds(10),
        logRetention: props.logRetention,
        description: 'jobwatch JWT authorizer',
        tracingPolicy: props.tracingPolicy,
      }),
      resultsCacheTtl: Duration.minutes(5),
    }),
  };
}

function acknowledgeApiFindings(api: apigateway.RestApi, jwt: boolean): void {
  acknowledge(
    api,
    'APIG2',
    'Every request is validated by the API function with zod (field-level problem+json errors); a second copy of the schema in API Gateway would drift.',
  );
  acknowledge(
    api,
    'APIG3',
    jwt
      ? 'A JWT-authorized operator API; attach a WAF web ACL in front when exposing it more widely.'
      : 'An IAM-authorized operator API; attach a WAF web ACL in front when exposing it more widely.',
  );
  acknowledge(
    api,
    'COG4',
    jwt
      ? "Every method is authorized by a token authorizer that checks JWTs from the operator's issuer, not a Cognito user pool."
      : 'Every method uses IAM (SigV4) authorization instead of a Cognito user pool.',
  );
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    acknowledge(
      cloudWatchRole,
      'IAM4',
      "API Gateway's account-level logging role; AWS-managed and scoped to logs.",
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    );
  }
}
