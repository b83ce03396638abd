import { UserError } from '../project/errors';

/** Synth, as the commands run it: the errors a user can fix, one factory each, each message made from the values it names. */

export const USE_CASE_ERROR_CODES = ['STACK_NOT_SYNTHESISED', 'FRAMEWORK_UNKNOWN', 'INVOKE_EVENT_NEEDED'] as const;
export type UseCaseErrorCode = (typeof USE_CASE_ERROR_CODES)[number];

/** CDK_FRAMEWORK names no framework this project can synthesise with, or one that is not installed; `problem` says which and the fix. */
export function frameworkUnknown(problem: string): UserError<UseCaseErrorCode> {
  return new UserError<UseCaseErrorCode>('FRAMEWORK_UNKNOWN', problem);
}

export function stackNotSynthesised(stackFile: string): UserError<UseCaseErrorCode> {
  return new UserError<UseCaseErrorCode>('STACK_NOT_SYNTHESISED', `${stackFile} does not exist; run npm run synth (or leave out --skip-build).`);
}

/** A function whose trigger has no event of its own to send (a queue's batch, an HTTP function with no plain GET route). */
export function eventNeeded(fn: string, trigger: string): UserError<UseCaseErrorCode> {
  return new UserError<UseCaseErrorCode>(
    'INVOKE_EVENT_NEEDED',
    `${fn} is invoked by its ${trigger} trigger, which has no event to send on its own here; give one: --event '<json>' or --event-file <file> ` +
      `(for a queue, Lambda's {"Records": [...]}; while npm start runs, a message sent to the local queue reaches it too).`,
  );
}

/** Why a declared function may be missing from an environment: which functions an environment deploys. */
export function notDeployedHint(environment: { readonly stackName: string; readonly function: string }): string {
  return (
    `${environment.stackName} deploys its API and the declared functions of the API's family (${environment.function}), unless its "functions" setting names others; ` +
    'to run a function of another family, serve an environment on that family (docs/local-run.md) or name it in "functions" (docs/configuration.md).'
  );
}
