#!/usr/bin/env node
// A stand-in for the Terraform CLI in one stack folder (-chdir), for the rollout's tests
// where providers cannot be downloaded: it keeps a small state (serial, deployed build,
// newest version, where the alias live points, the canary) in fake.tfstate.json, and
// answers init, plan -out, show -json, apply <plan> and output -json as Terraform does
// for this stack. A plan publishes a version when build.txt differs from the deployed
// build; a saved plan made before another apply is refused as stale, with Terraform's
// words. A stack of several functions lists the others' builds in functions.json
// ({"worker": "<build>"}): each publishes when its build changes, its alias follows
// -var=function_live_versions (the newest when left out), and output function_versions
// gives their newest versions. Every call is appended to calls.jsonl.
import * as fs from 'node:fs';
import * as path from 'node:path';

const argv = process.argv.slice(2);
const chdir = argv[0]?.startsWith('-chdir=') ? argv.shift().slice('-chdir='.length) : '.';
const file = (name) => path.join(chdir, name);
fs.appendFileSync(file('calls.jsonl'), `${JSON.stringify(argv)}\n`);

const readState = () =>
  fs.existsSync(file('fake.tfstate.json'))
    ? JSON.parse(fs.readFileSync(file('fake.tfstate.json'), 'utf8'))
    : { serial: 0, build: null, newest: 0, live: null, canaryVersion: '', canaryPercent: 0 };
// The build: build.txt when a test writes one, else the synthesised stack itself.
const build = () => (fs.existsSync(file('build.txt')) ? fs.readFileSync(file('build.txt'), 'utf8') : fs.readFileSync(file('cdk.tf.json'), 'utf8')).trim();
/** The function's name as the synthesised stack spells it, for the plan's JSON. */
const functionName = () => {
  if (!fs.existsSync(file('cdk.tf.json'))) return 'api';
  const fn = Object.values(JSON.parse(fs.readFileSync(file('cdk.tf.json'), 'utf8')).resource?.aws_lambda_function ?? {})[0];
  return fn?.function_name ?? 'api';
};
/** The other functions' builds, when the test lists them. */
const functionBuilds = () => (fs.existsSync(file('functions.json')) ? JSON.parse(fs.readFileSync(file('functions.json'), 'utf8')) : {});
const vars = (args) =>
  Object.fromEntries(
    args
      .filter((arg) => arg.startsWith('-var='))
      .map((arg) => arg.slice('-var='.length))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );

const [command, ...args] = argv;
switch (command) {
  case 'init':
    process.stdout.write('Terraform has been successfully initialized!\n');
    break;
  case 'plan': {
    const state = readState();
    const given = vars(args);
    const publish = build() !== state.build;
    const newest = publish ? state.newest + 1 : state.newest;
    const after = {
      serial: state.serial + 1,
      build: build(),
      newest,
      live: given.live_version || String(newest),
      canaryVersion: given.canary_version ?? '',
      canaryPercent: Number(given.canary_percent ?? 0),
      functions: {},
    };
    const changes = [];
    const functionLive = given.function_live_versions ? JSON.parse(given.function_live_versions) : {};
    for (const [name, fnBuild] of Object.entries(functionBuilds())) {
      const was = state.functions?.[name] ?? { build: null, newest: 0, live: null };
      const fnPublish = fnBuild !== was.build;
      const fnNewest = fnPublish ? was.newest + 1 : was.newest;
      const live = functionLive[name] ?? String(fnNewest);
      after.functions[name] = { build: fnBuild, newest: fnNewest, live };
      if (fnPublish) {
        changes.push({
          address: `aws_lambda_function.fn-${name}`,
          mode: 'managed',
          type: 'aws_lambda_function',
          name: `fn-${name}`,
          change: { actions: [was.build === null ? 'create' : 'update'] },
        });
      }
      if (live !== was.live) {
        changes.push({
          address: `aws_lambda_alias.fn-${name}_live`,
          mode: 'managed',
          type: 'aws_lambda_alias',
          name: `fn-${name}_live`,
          change: { actions: [was.live === null ? 'create' : 'update'] },
        });
      }
    }
    if (publish) {
      changes.push({
        address: 'aws_lambda_function.api',
        mode: 'managed',
        type: 'aws_lambda_function',
        name: 'api',
        change: {
          actions: [state.build === null ? 'create' : 'update'],
          before: state.build === null ? null : { function_name: functionName() },
          after: { function_name: functionName() },
        },
      });
    }
    if (after.live !== state.live || after.canaryVersion !== state.canaryVersion || after.canaryPercent !== state.canaryPercent) {
      changes.push({
        address: 'aws_lambda_alias.live',
        mode: 'managed',
        type: 'aws_lambda_alias',
        name: 'live',
        change: { actions: [state.live === null ? 'create' : 'update'] },
      });
    }
    changes.push({ address: 'data.aws_partition.partition', mode: 'data', type: 'aws_partition', name: 'partition', change: { actions: ['read'] } });
    const out = args.find((arg) => arg.startsWith('-out='))?.slice('-out='.length);
    fs.writeFileSync(file(out), JSON.stringify({ basedOn: state.serial, after, changes }));
    process.stdout.write(`Plan: 0 to add, ${changes.length - 1} to change, 0 to destroy.\n`);
    break;
  }
  case 'show': {
    const plan = JSON.parse(fs.readFileSync(file(args.find((arg) => !arg.startsWith('-'))), 'utf8'));
    process.stdout.write(JSON.stringify({ format_version: '1.2', resource_changes: plan.changes }));
    break;
  }
  case 'apply': {
    const plan = JSON.parse(fs.readFileSync(file(args.find((arg) => !arg.startsWith('-'))), 'utf8'));
    if (plan.basedOn !== readState().serial) {
      process.stderr.write(
        'Error: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed by another operation after the plan was created.\n',
      );
      process.exit(1);
    }
    if (process.env.FAKE_TERRAFORM_FAIL_APPLY_TO === plan.after.live) {
      process.stderr.write(`Error: updating Lambda Alias (live): operation error Lambda: UpdateAlias, AccessDeniedException\n`);
      process.exit(1);
    }
    fs.writeFileSync(file('fake.tfstate.json'), JSON.stringify(plan.after));
    process.stdout.write(`Apply complete! Resources: 0 added, ${plan.changes.length - 1} changed, 0 destroyed.\n`);
    break;
  }
  case 'output': {
    const state = readState();
    if (args.includes('function_versions')) {
      process.stdout.write(`${JSON.stringify(Object.fromEntries(Object.entries(state.functions ?? {}).map(([name, fn]) => [name, String(fn.newest)])))}\n`);
    } else process.stdout.write(`${JSON.stringify(String(state.newest))}\n`);
    break;
  }
  default:
    process.stderr.write(`fake terraform: no command ${command}\n`);
    process.exit(1);
}
