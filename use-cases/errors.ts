import { UserError } from '../project/errors';

/** Synth, as the commands run it: the errors a user can fix, one factory each, each message made from the values it names. */

export const USE_CASE_ERROR_CODES = ['STACK_NOT_SYNTHESISED', 'SYNTH_FAILED'] as const;
export type UseCaseErrorCode = (typeof USE_CASE_ERROR_CODES)[number];

export function synthFailed(): UserError<UseCaseErrorCode> {
  return new UserError<UseCaseErrorCode>('SYNTH_FAILED', 'Synthesis failed; the message above names the problem.');
}

export function stackNotSynthesised(stackFile: string): UserError<UseCaseErrorCode> {
  return new UserError<UseCaseErrorCode>('STACK_NOT_SYNTHESISED', `${stackFile} does not exist; run npm run synth (or leave out --skip-build).`);
}
