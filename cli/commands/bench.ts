import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderBenchmarks } from '../../bench/report';
import { runBench } from '../../bench/run-bench';
import { benchQuickSuite } from '../../bench/quick-suite-bench';
import { benchStart } from '../../bench/start-bench';
import { SERVICE_FUNCTIONS, benchService, serviceSummary } from '../../bench/service-bench';
import { optionValueInvalid } from '../../project/errors';
import { Command, writeJson } from '../command';

export const benchCommand: Command = {
  usage: 'npm run bench -- [--runs <n>] [--out <file>] [--only <figure>] [--json]',
  help: `Runs every benchmark against its baseline in the same run (see BENCHMARKS.md for
the method): layer build cold vs cache hit, determinism across folders and umasks vs
the naive install-and-zip, synth of 3 to 30 stacks, layer sizes vs the naive install,
cold start with layers vs bundled, a service of 20 functions sharing three layers,
and the local API under a bounded load. Takes a
few minutes on two cores; needs the npm registry for the naive installs. --only measures
one figure and prints it, without writing the report: start (a no-change npm start to its
first answer, against --skip-build), test-unit (npm run test:unit, the quick suite) or
service (an environment of 20 functions sharing three layers: layer versions, a no-change
build, synth per added function, and npm start of the example service against its API alone).`,
  options: {
    runs: { type: 'string', value: '<n>', describe: 'runs per figure, at least 5 (default 5)' },
    out: { type: 'string', value: '<file>', describe: 'where to write the report (default BENCHMARKS.md)' },
    only: { type: 'string', value: '<figure>', describe: 'measure only this figure (start, test-unit or service) and print it; the report is not written' },
    json: { type: 'boolean', describe: 'print the results as JSON on stdout' },
  },
  async run(values, _positionals, { project, env, err, out }) {
    const runs = values['runs'] === undefined ? 5 : Number(values['runs']);
    if (!Number.isInteger(runs) || runs < 5) throw optionValueInvalid('--runs', 'a whole number of at least 5', values['runs'], 'bench');
    if (values['only'] === 'start') {
      const step = err.step(`npm start, no change, to its first answer: ${runs} runs, against --skip-build`);
      const start = await benchStart(runs, project.root, env);
      step.done(
        `${(start.start.median * 1000).toFixed(0)} ms (--skip-build ${(start.skipBuild.median * 1000).toFixed(0)} ms); ${start.goal.description}: ${start.goal.met ? 'met' : 'not met'}`,
      );
      if (values['json']) writeJson(out, start);
      return 0;
    }
    if (values['only'] === 'test-unit') {
      const step = err.step(`npm run test:unit, the quick suite: ${runs} runs`);
      const quick = benchQuickSuite(runs, project.root, env);
      step.done(
        `${quick.seconds.median.toFixed(1)} s (min ${quick.seconds.min.toFixed(1)}, max ${quick.seconds.max.toFixed(1)}) for ${quick.tests} tests in ${quick.suites} files; ${quick.goal.description}: ${quick.goal.met ? 'met' : 'not met'}`,
      );
      if (values['json']) writeJson(out, quick);
      return 0;
    }
    if (values['only'] === 'service') {
      const step = err.step(`a service of ${SERVICE_FUNCTIONS} functions on three layers: ${runs} runs`);
      const service = await benchService(runs, project, env, (line) => step.update(line));
      step.done(serviceSummary(service));
      if (values['json']) writeJson(out, service);
      return 0;
    }
    if (values['only'] !== undefined) throw optionValueInvalid('--only', '"start", "test-unit" or "service"', values['only'], 'bench');
    const result = await runBench({ runs, progress: err, env, project });
    const file = path.resolve(project.root, (values['out'] as string | undefined) ?? 'BENCHMARKS.md');
    fs.writeFileSync(file, renderBenchmarks(result, new Date().toISOString().slice(0, 10)));
    err.line(`Wrote ${path.relative(process.cwd(), file) || file} in ${result.seconds.toFixed(0)} s.`);
    if (values['json']) writeJson(out, result);
    return 0;
  },
};
