import { checkApi } from '../../verification/api-check';
import { argumentMissing, optionValueInvalid } from '../../project/errors';
import { Command, writeJson } from '../command';

export const checkApiCommand: Command = {
  usage: 'npm run check:api -- <url> [--wait <seconds>] [--json]',
  help: `Calls GET /, GET /api/messages/, POST /api/messages/ with the seed's message
{"content":"Layer test message","author":"System"}, then GET /api/messages/ again
and checks that the new message is listed. Exit code 0 only when all four pass.
The deploy workflow runs it after every apply.`,
  options: {
    wait: { type: 'string', value: '<seconds>', describe: 'keep retrying the health check this long while a deploy settles (default 0)' },
    json: { type: 'boolean', describe: 'print the results as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { err, out }) {
    const [url] = positionals;
    if (!url || positionals.length > 1 || !/^https?:\/\//.test(url))
      throw argumentMissing('Give', 'one API URL, e.g. https://abc123.execute-api.ap-northeast-1.amazonaws.com', 'check:api');
    const wait = values['wait'] === undefined ? 0 : Number(values['wait']);
    if (!Number.isFinite(wait) || wait < 0) throw optionValueInvalid('--wait', 'seconds', values['wait'], 'check:api');
    const results = await checkApi(url, { waitMs: wait * 1000 });
    for (const result of results) err.line(`${result.ok ? err.green('✓') : err.red('✗')} ${result.step}: ${result.detail} (${result.ms} ms)`);
    const ok = results.length === 4 && results.every((result) => result.ok);
    if (values['json']) writeJson(out, { url, ok, results });
    return ok ? 0 : 1;
  },
};
