import { UserError } from '../project/errors';

/** Constructs, validating their props before they create anything: the errors a user can fix, one factory each, each message made from the values it names. */

export const CONSTRUCT_ERROR_CODES = ['CONSTRUCT_PROPS_INVALID'] as const;
export type ConstructErrorCode = (typeof CONSTRUCT_ERROR_CODES)[number];

export function constructPropsInvalid(path: string, problems: readonly string[]): UserError<ConstructErrorCode> {
  return new UserError<ConstructErrorCode>('CONSTRUCT_PROPS_INVALID', `${path}: ${problems.join('; ')}.`);
}
