/** Synthesised Terraform, `--json` output and state, as the tests read them: untyped on purpose, the assertions say the shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the assertions, not the type, say what the JSON holds
export type Json = Record<string, any>;
