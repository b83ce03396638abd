import { Testing } from 'cdktf';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { HttpApi, HttpApiProps, httpApiProblems, routeId } from '../../constructs/http-api';
import { API_ROUTES } from '../../handlers/api/routes';

function synth(props: Partial<HttpApiProps> = {}, withAlias = true): string {
  return Testing.synthScope((scope: Construct) => {
    const handler = new LambdaFunction(scope, 'fn', {
      functionName: 'acme-dev-api',
      role: 'arn:aws:iam::123456789012:role/r',
      runtime: 'nodejs24.x',
      handler: 'index.handler',
      filename: 'f.zip',
    });
    const alias = new LambdaAlias(scope, 'live', { name: 'live', functionName: handler.functionName, functionVersion: handler.version });
    new HttpApi(scope, 'http', { name: 'acme-dev-api', logRetentionDays: 30, handler, ...(withAlias ? { alias } : {}), ...props });
  });
}

describe('HttpApi', () => {
  it('routes every route to the alias through a payload 2.0 proxy, and lets only this API invoke it', () => {
    const text = synth();
    expect(text).toHaveResourceWithProperties(Apigatewayv2Api, { name: 'acme-dev-api', protocol_type: 'HTTP' });
    expect(text).toHaveResourceWithProperties(Apigatewayv2Integration, {
      integration_type: 'AWS_PROXY',
      payload_format_version: '2.0',
      integration_uri: '${aws_lambda_alias.live.invoke_arn}',
    });
    for (const routeKey of API_ROUTES) expect(text).toHaveResourceWithProperties(Apigatewayv2Route, { route_key: routeKey });
    expect(text).toHaveResourceWithProperties(LambdaPermission, { principal: 'apigateway.amazonaws.com', qualifier: '${aws_lambda_alias.live.name}' });
  });

  it('invokes the function itself when there is no alias', () => {
    expect(synth({}, false)).toHaveResourceWithProperties(Apigatewayv2Integration, { integration_uri: '${aws_lambda_function.fn.invoke_arn}' });
  });

  it('logs every request for the given days and throttles the stage, by default at 50 burst and 20 a second', () => {
    const text = synth();
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/aws/apigateway/acme-dev-api', retention_in_days: 30 });
    expect(text).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: '$default',
      default_route_settings: { throttling_burst_limit: 50, throttling_rate_limit: 20 },
    });
    expect(synth({ throttle: { burstLimit: 5, rateLimit: 2 } })).toHaveResourceWithProperties(Apigatewayv2Stage, {
      default_route_settings: { throttling_burst_limit: 5, throttling_rate_limit: 2 },
    });
  });

  it('names routes by method and path', () => {
    expect(['GET /', 'GET /api/messages/', '$default'].map(routeId)).toEqual(['route-get-root', 'route-get-api-messages-slash', 'route-default']);
  });

  it('refuses a retention CloudWatch does not offer and a throttle of nothing', () => {
    expect(httpApiProblems({ name: 'a', logRetentionDays: 30 })).toEqual([]);
    expect(() => synth({ logRetentionDays: 31, throttle: { burstLimit: 0, rateLimit: 1 } })).toThrow(
      'http: logRetentionDays 31 is not one of CloudWatch\'s retention periods; throttle {"burstLimit":0,"rateLimit":1} needs a whole burst limit and a rate limit above 0.',
    );
  });
});
