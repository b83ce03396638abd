import { UserError, errorReason } from '../project/errors';

/** What a build leaves: the manifest and rollback pins: the errors a user can fix, one factory each, each message made from the values it names. */

export const ARTIFACT_ERROR_CODES = ['ARTIFACT_NOT_BUILT', 'MANIFEST_MISSING', 'MANIFEST_UNREADABLE', 'PIN_INVALID'] as const;
export type ArtifactErrorCode = (typeof ARTIFACT_ERROR_CODES)[number];

export function manifestMissing(manifestPath: string): UserError<ArtifactErrorCode> {
  return new UserError<ArtifactErrorCode>(
    'MANIFEST_MISSING',
    `No build manifest at ${manifestPath}. Run \`npm run build\` first ` + '(`npm run synth` and `npm start` run it for you).',
  );
}

export function manifestUnreadable(manifestPath: string, reason: string): UserError<ArtifactErrorCode> {
  return new UserError<ArtifactErrorCode>(
    'MANIFEST_UNREADABLE',
    `The build manifest ${manifestPath} cannot be read (${reason}). Delete it and run \`npm run build\`.`,
  );
}

export function artifactNotBuilt(what: string, manifestPath: string): UserError<ArtifactErrorCode> {
  return new UserError<ArtifactErrorCode>(
    'ARTIFACT_NOT_BUILT',
    `${what} is not in the build manifest ${manifestPath}. Run \`npm run build\`; ` + 'it builds every layer and bundle that the configuration uses.',
  );
}

export function pinInvalid(file: string, error: unknown): UserError<ArtifactErrorCode> {
  return new UserError<ArtifactErrorCode>(
    'PIN_INVALID',
    `The rollback pin ${file} is not readable (${errorReason(error)}); delete it or run the rollback again.`,
  );
}
