import { Construct } from 'constructs';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { ENVIRONMENT_DEFAULTS, LOG_RETENTION_DAYS } from '../config/environments';
import { rejectInvalidProps } from './props';
import { API_ROUTES } from '../handlers/api/routes';
import { HTTP_API_LIMITS } from '../config/lambda-limits';

export interface HttpApiProps {
  /** The API's name, and its access log group's (`/aws/apigateway/<name>`). */
  readonly name: string;
  /** Days the access logs are kept: one of CloudWatch's retention periods. */
  readonly logRetentionDays: number;
  /**
   * The `$default` stage's throttling: above it the API answers 429 before anything is invoked.
   * @default - burst 50, 20 requests per second (ENVIRONMENT_DEFAULTS)
   */
  readonly throttle?: { readonly burstLimit: number; readonly rateLimit: number };
  /** Every route goes to this function through a payload 2.0 proxy integration. */
  readonly handler: LambdaFunction;
  /**
   * The alias the routes invoke, so a new version takes traffic only when the alias moves to it.
   * @default - the function's unqualified ARN ($LATEST)
   */
  readonly alias?: LambdaAlias;
  /**
   * The route keys the handler answers.
   * @default API_ROUTES - the seed's routes and $default
   */
  readonly routes?: readonly string[];
}

/** One JSON line per request in the access log. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  sourceIp: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
});

/** Construct id of a route: "GET /api/messages/" -> "route-get-api-messages-slash". */
export function routeId(routeKey: string): string {
  if (routeKey.startsWith('$')) return `route-${routeKey.slice(1)}`;
  const [method, routePath] = routeKey.split(' ') as [string, string];
  const segments = routePath.split('/').filter(Boolean);
  const name = segments.length === 0 ? 'root' : segments.join('-') + (routePath.endsWith('/') ? '-slash' : '');
  return `route-${method.toLowerCase()}-${name}`;
}

/** What is wrong with the props, in words; empty when nothing is. */
export function httpApiProblems(props: Pick<HttpApiProps, 'name' | 'logRetentionDays' | 'throttle'>): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(props.name)) problems.push(`name ${JSON.stringify(props.name)} is not 1 to 128 letters, digits, "_", "-" and "."`);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(props.logRetentionDays))
    problems.push(`logRetentionDays ${props.logRetentionDays} is not one of CloudWatch's retention periods`);
  if (props.throttle && !(Number.isInteger(props.throttle.burstLimit) && props.throttle.burstLimit > 0 && props.throttle.rateLimit > 0)) {
    problems.push(`throttle ${JSON.stringify(props.throttle)} needs a whole burst limit and a rate limit above 0`);
  }
  return problems;
}

/** HTTP API (API Gateway v2) in front of the function, with access logs, throttling and a scoped invoke permission. */
export class HttpApi extends Construct {
  public readonly api: Apigatewayv2Api;
  public readonly stage: Apigatewayv2Stage;
  public readonly accessLogs: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    rejectInvalidProps(this, httpApiProblems(props));
    const { name } = props;
    const throttle = props.throttle ?? { burstLimit: ENVIRONMENT_DEFAULTS.throttleBurstLimit, rateLimit: ENVIRONMENT_DEFAULTS.throttleRateLimit };
    this.api = new Apigatewayv2Api(this, 'api', { name, protocolType: 'HTTP' });

    this.routeTo('integration', props.alias ? props.alias.invokeArn : props.handler.invokeArn, props.routes ?? API_ROUTES, routeId);

    this.accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${name}`,
      retentionInDays: props.logRetentionDays,
    });
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      accessLogSettings: { destinationArn: this.accessLogs.arn, format: ACCESS_LOG_FORMAT },
      // Without these an HTTP API stage admits whatever the account's limits allow; above them it answers 429.
      defaultRouteSettings: { throttlingBurstLimit: throttle.burstLimit, throttlingRateLimit: throttle.rateLimit },
    });

    new LambdaPermission(this, 'invoke-permission', {
      statementId: 'AllowInvokeFromThisHttpApi',
      action: 'lambda:InvokeFunction',
      functionName: props.handler.functionName,
      ...(props.alias ? { qualifier: props.alias.name } : {}),
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.api.executionArn}/*/*`,
    });
  }

  /**
   * Another function behind this API: its own payload 2.0 integration (on its alias), its routes, and the permission
   * for this API alone to invoke that alias. A route is the configuration's to give once (config/functions.ts).
   */
  public addFunction(name: string, handler: LambdaFunction, alias: LambdaAlias, routes: readonly string[]): void {
    this.routeTo(`integration-${name}`, alias.invokeArn, routes, (routeKey) => `${routeId(routeKey)}-${name}`);
    new LambdaPermission(this, `invoke-permission-${name}`, {
      statementId: 'AllowInvokeFromThisHttpApi',
      action: 'lambda:InvokeFunction',
      functionName: handler.functionName,
      qualifier: alias.name,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.api.executionArn}/*/*`,
    });
  }

  /** A payload 2.0 proxy integration of a function (its alias's invoke ARN) and the routes that go to it. */
  private routeTo(id: string, invokeArn: string, routes: readonly string[], routeIdOf: (routeKey: string) => string): void {
    const integration = new Apigatewayv2Integration(this, id, {
      apiId: this.api.id,
      integrationType: 'AWS_PROXY',
      integrationUri: invokeArn,
      integrationMethod: 'POST',
      payloadFormatVersion: '2.0',
      timeoutMilliseconds: HTTP_API_LIMITS.integrationTimeoutSeconds * 1000,
    });
    for (const routeKey of routes) new Apigatewayv2Route(this, routeIdOf(routeKey), { apiId: this.api.id, routeKey, target: `integrations/${integration.id}` });
  }
}
