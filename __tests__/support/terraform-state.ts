/** Test fixtures for the history and verify commands: the staging stack's names and Terraform's state file. */

export const STAGING = {
  region: 'ap-northeast-1',
  stack: 'api-staging',
  stateKey: 'multicloud-auto-deploy/staging/terraform.tfstate',
  layer: 'multicloud-auto-deploy-staging-dependencies',
  function: 'multicloud-auto-deploy-staging-api',
} as const;

export interface StateResource {
  readonly mode?: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly provider?: string;
  readonly attributes: Record<string, unknown>;
}

/** A state file as Terraform 1.11 writes it (format version 4). */
export function terraformStateFile(options: {
  serial: number;
  lineage: string;
  outputs: Record<string, unknown>;
  resources: readonly StateResource[];
}): string {
  return JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial: options.serial,
    lineage: options.lineage,
    outputs: Object.fromEntries(
      Object.entries(options.outputs).map(([name, value]) => [
        name,
        {
          value,
          type:
            typeof value === 'string' ? 'string' : ['object', Object.fromEntries(Object.entries(value as object).map(([key, field]) => [key, typeof field]))],
        },
      ]),
    ),
    resources: options.resources.map((resource) => ({
      mode: resource.mode ?? 'managed',
      type: resource.type,
      name: resource.name,
      provider: `provider["registry.terraform.io/hashicorp/${resource.provider ?? 'aws'}"]`,
      instances: [{ schema_version: 0, attributes: resource.attributes, sensitive_attributes: [] }],
    })),
    check_results: null,
  });
}
