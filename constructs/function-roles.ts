import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import {
  CI_ROLE_NAMES,
  CiScope,
  functionRolePath,
  functionRoleStatements,
  schedulerRoleStatements,
  serviceFunctionRoleStatements,
} from '../iam/ci-permissions';
import { toDocument } from './github-ci-roles';
import { rejectInvalidProps } from './props';
import { ENVIRONMENT_NAME } from '../config/settings-schema';

export interface FunctionRolesProps {
  /** The project's environments and where their resources are. */
  readonly scope: CiScope;
}

/** What is wrong with the props, in words; empty when nothing is. */
export function functionRolesProblems(props: FunctionRolesProps): string[] {
  // Every pattern of an environment's resources is "<project>-<env>-*": a "-" in an environment's name would let it cover another's.
  const bad = props.scope.environments.filter((env) => !ENVIRONMENT_NAME.test(env.name)).map((env) => JSON.stringify(env.name));
  return [
    ...(props.scope.environments.length ? [] : ['no environments: there is no function role to make']),
    ...(bad.length
      ? [`environment names ${bad.join(', ')} are not 1 to 16 lowercase letters and digits (a "-" would let one environment's name patterns cover another's)`]
      : []),
  ];
}

/**
 * Each environment's function role, made here and not by a deploy: Lambda alone may assume it, and it may
 * write its own log group and use its own table. A deploy role may only pass its environment's role to
 * Lambda, so what a deploy can run is bounded by this role, which no deploy can change.
 */
export class FunctionRoles extends Construct {
  public readonly roles: Readonly<Record<string, IamRole>>;
  /** The roles of the environments' other functions and schedulers, by role name. */
  public readonly serviceRoles: Readonly<Record<string, IamRole>>;

  constructor(scope: Construct, id: string, props: FunctionRolesProps) {
    super(scope, id);
    rejectInvalidProps(this, functionRolesProblems(props));
    const { project } = props.scope;
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] }],
    });
    this.roles = Object.fromEntries(
      props.scope.environments.map((env) => {
        const role = new IamRole(this, `${env.name}-role`, {
          name: CI_ROLE_NAMES.function(project, env.name),
          path: functionRolePath(project),
          description: `The API function of ${env.name}: its own log group and table; made by the bootstrap, passed to Lambda by the ${env.name} deploy`,
          assumeRolePolicy: trust.json,
          maxSessionDuration: 3600,
        });
        const policy = new DataAwsIamPolicyDocument(this, `${env.name}-permissions`, { statement: toDocument(functionRoleStatements(props.scope, env.name)) });
        new IamRolePolicy(this, `${env.name}-policy`, { name: CI_ROLE_NAMES.function(project, env.name), role: role.id, policy: policy.json });
        return [env.name, role];
      }),
    );
    // Each other function its own role, holding only what it uses; the scheduler one per environment that has a schedule.
    const made: Record<string, IamRole> = {};
    const roleWith = (id: string, name: string, description: string, trustedBy: string, statements: ReturnType<typeof functionRoleStatements>): void => {
      const trusted = new DataAwsIamPolicyDocument(this, `${id}-trust`, {
        statement: [
          {
            effect: 'Allow',
            actions: ['sts:AssumeRole'],
            principals: [{ type: 'Service', identifiers: [trustedBy] }],
            // Scheduler acts for whoever calls it: only this account's schedules may use the role (confused deputy).
            ...(trustedBy === 'scheduler.amazonaws.com'
              ? { condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.scope.account] }] }
              : {}),
          },
        ],
      });
      const role = new IamRole(this, `${id}-role`, {
        name,
        path: functionRolePath(project),
        description,
        assumeRolePolicy: trusted.json,
        maxSessionDuration: 3600,
      });
      const policy = new DataAwsIamPolicyDocument(this, `${id}-permissions`, { statement: toDocument(statements) });
      new IamRolePolicy(this, `${id}-policy`, { name, role: role.id, policy: policy.json });
      made[name] = role;
    };
    for (const env of props.scope.environments) {
      for (const fn of env.functions ?? []) {
        roleWith(
          `${env.name}-${fn.name}`,
          CI_ROLE_NAMES.serviceFunction(project, env.name, fn.name),
          `The ${fn.name} function of ${env.name}: its own log group and what its configuration grants; made by the bootstrap, passed to Lambda by the ${env.name} deploy`,
          'lambda.amazonaws.com',
          serviceFunctionRoleStatements(props.scope, env.name, fn.name),
        );
      }
      if ((env.functions ?? []).some((fn) => fn.trigger === 'schedule')) {
        roleWith(
          `${env.name}-scheduler`,
          CI_ROLE_NAMES.scheduler(project, env.name),
          `EventBridge Scheduler for ${env.name}: invokes its scheduled functions' live aliases; passed to Scheduler by the ${env.name} deploy`,
          'scheduler.amazonaws.com',
          schedulerRoleStatements(props.scope, env.name),
        );
      }
    }
    this.serviceRoles = made;
  }
}
