import * as fs from 'node:fs';

/** Appends Markdown to the job summary when running in GitHub Actions (GITHUB_STEP_SUMMARY); nothing elsewhere. */
export function appendJobSummary(env: NodeJS.ProcessEnv, markdown: string): void {
  if (env['GITHUB_STEP_SUMMARY']) fs.appendFileSync(env['GITHUB_STEP_SUMMARY'], `${markdown}\n`);
}
