import { ManagedLayerFacts } from '../../families/family';

/**
 * Powertools for AWS Lambda (TypeScript) V2 as a managed layer, one for all Node.js runtimes and architectures: the
 * Powertools packages and the X-Ray SDK the tracer needs; it relies on the runtime's AWS SDK, which the bundle
 * leaves out with it (from the Powertools documentation's "Lambda layer" section).
 */
export const TYPESCRIPT_POWERTOOLS: ManagedLayerFacts = {
  name: 'powertools-typescript',
  label: 'TypeScript',
  versionSetting: 'powertoolsTypeScriptLayerVersion',
  accounts: { aws: '094274105915' },
  layerName: () => 'AWSLambdaPowertoolsTypeScriptV2',
  externalPackages: ['@aws-lambda-powertools/*', '@aws-sdk/*'],
  contents: {
    provides: ['@aws-lambda-powertools/*', 'aws-xray-sdk-core'],
    distributions: [],
    versions: [1, 44],
  },
};
