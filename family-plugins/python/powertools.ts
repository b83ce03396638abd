import { ManagedLayerFacts } from '../../families/family';

/**
 * Powertools for AWS Lambda (Python) V3 as a managed layer, one per Python version and architecture. Built from
 * `aws-lambda-powertools[all]` (tracer, validation, parser, data masking) without boto3, which the runtime has (from
 * the Powertools documentation's "Lambda layer" section). A pinned version outside `versions` is assumed to hold the
 * same and the rule says so.
 */
export const PYTHON_POWERTOOLS: ManagedLayerFacts<'python3.12' | 'python3.13' | 'python3.14'> = {
  name: 'powertools-python',
  label: 'Python',
  versionSetting: 'powertoolsPythonLayerVersion',
  accounts: { aws: '017000801446', 'aws-cn': '498634801083' },
  layerName: (runtime, architecture) => `AWSLambdaPowertoolsPythonV3-${runtime.replace('.', '')}-${architecture}`,
  externalPackages: ['aws_lambda_powertools'],
  contents: {
    provides: [
      'aws_lambda_powertools',
      'jmespath',
      'typing_extensions',
      'aws_xray_sdk',
      'wrapt',
      'fastjsonschema',
      'pydantic',
      'pydantic_core',
      'annotated_types',
      'typing_inspection',
      'aws_encryption_sdk',
      'cryptography',
      'cffi',
      '_cffi_backend',
      'pycparser',
      'attr',
      'attrs',
      'jsonpath_ng',
      'ply',
    ],
    distributions: [
      'aws-lambda-powertools',
      'jmespath',
      'typing-extensions',
      'aws-xray-sdk',
      'wrapt',
      'fastjsonschema',
      'pydantic',
      'pydantic-core',
      'annotated-types',
      'typing-inspection',
      'aws-encryption-sdk',
      'cryptography',
      'cffi',
      'pycparser',
      'attrs',
      'jsonpath-ng',
      'ply',
    ],
    versions: [1, 27],
  },
};
