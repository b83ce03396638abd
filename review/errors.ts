import { UserError, errorReason } from '../project/errors';

/** Plans read for review: the errors a user can fix, one factory each, each message made from the values it names. */

export const REVIEW_ERROR_CODES = ['PLAN_INVALID', 'PLAN_MISSING', 'PLAN_NOT_JSON'] as const;
export type ReviewErrorCode = (typeof REVIEW_ERROR_CODES)[number];

export function planMissing(file: string): UserError<ReviewErrorCode> {
  return new UserError<ReviewErrorCode>('PLAN_MISSING', `Cannot read ${file}. Make it with \`terraform show -json plan.tfplan > ${file}\`.`);
}

export function planNotJson(source: string, error: unknown): UserError<ReviewErrorCode> {
  return new UserError<ReviewErrorCode>(
    'PLAN_NOT_JSON',
    `${source} is not JSON (${errorReason(error)}). Make it with \`terraform show -json plan.tfplan > plan.json\`.`,
  );
}

export function planInvalid(source: string, what: 'state' | 'other' | 'changes'): UserError<ReviewErrorCode> {
  if (what === 'changes')
    return new UserError<ReviewErrorCode>('PLAN_INVALID', `${source} has resource_changes that is not a list; it is not a plan Terraform wrote.`);
  return new UserError<ReviewErrorCode>(
    'PLAN_INVALID',
    `${source} is ${what === 'state' ? 'a Terraform state, not a plan' : 'not a Terraform plan (no format_version and planned_values)'}. ` +
      'Make it with `terraform plan -out=plan.tfplan` and `terraform show -json plan.tfplan > plan.json`.',
  );
}
