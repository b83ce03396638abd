/**
 * The outputs each deploy records about itself, which `npm run history` reads back from every retained
 * state version: what was deployed, who ran it, from where, and whether it was a rollback.
 */
export const DEPLOYMENT_OUTPUTS = {
  commit: 'deployed_commit',
  by: 'deployed_by',
  from: 'deployed_from',
  rolledBackTo: 'rolled_back_to_serial',
  rollbackScope: 'rollback_scope',
} as const;

/** What a rollback pin restores: the target's layers and code, or its layers alone with the current code. */
export type RollbackScope = 'layers and code' | 'layers';
