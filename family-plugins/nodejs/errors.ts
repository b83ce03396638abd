import { UserError } from '../../project/errors';

/** Node.js's plug-in: the errors a user can fix, one factory each, each message made from the values it names. The CLI assembles the codes with every folder's (nodejsPlugin.errorCodes). */

export const NODEJS_ERROR_CODES = ['LAYER_LINKED_FOLDER', 'NODE_RUNTIME_MISSING', 'NPM_NOT_FOUND'] as const;
export type NodejsErrorCode = (typeof NODEJS_ERROR_CODES)[number];

export function npmNotFound(): UserError<NodejsErrorCode> {
  return new UserError<NodejsErrorCode>(
    'NPM_NOT_FOUND',
    'Cannot find npm (looked at npm_execpath, beside the running Node and on PATH). Install Node.js with npm, or run the build through `npm run build`.',
  );
}

export function layerLinkedFolder(layer: string, target: string): UserError<NodejsErrorCode> {
  return new UserError<NodejsErrorCode>(
    'LAYER_LINKED_FOLDER',
    `Layer "${layer}" depends on the folder file:${target}; npm links folders instead of copying them, so the layer would not contain it. ` +
      'Pack it (`npm pack`) and depend on the .tgz instead.',
  );
}

export function nodeRuntimeMissing(major: number, runtime: string, cpu: string, hostVersion: string): UserError<NodejsErrorCode> {
  return new UserError<NodejsErrorCode>(
    'NODE_RUNTIME_MISSING',
    `The local run needs Node.js ${major} (the ${runtime} runtime), but runtimes/node_modules/node${major}-linux-${cpu} is not installed and this Node is ${hostVersion}. ` +
      `Run \`npm ci\` (its postinstall installs runtimes/), or \`npm ci --prefix runtimes\`; on macOS or Windows run \`npm start\` with Node.js ${major}.`,
  );
}
