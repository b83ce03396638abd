import { PLUGINS } from '../../family-plugins/registry';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { LockAudit, advisoryText, openAdvisories, parseAcceptedAdvisories } from '../../review/advisories';
import { judgeAudit } from '../../family-plugins/python/audit';
import { TerraformPlan, renderPlanSummary, summarisePlan } from '../../review/plan-summary';
import { cliEnv, copyProject, runCli, freePort } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { layerDescription } from '../../artifacts/layer-description';
import { readManifest } from '../../artifacts/manifest';
import { FIXTURES } from '../support/test-project';

/**
 * Known advisories for the locked versions: pip-audit's report judged against what a layer accepts
 * (pure), `npm run layers:audit` running the toolchain's real pip-audit against a local OSV-compatible
 * service (no test reaches the internet), and the review's caution box.
 */

const WHERE = { layer: 'stable', target: 'python3.12-x86_64', file: 'layers/stable/requirements.python3.12-x86_64.lock.txt' };

// Real advisories, as OSV publishes them (trimmed to the fields pip-audit reads).
const REQUESTS_NETRC = {
  id: 'GHSA-9hjg-9r4m-mvj7',
  aliases: ['CVE-2024-47081'],
  summary: 'Requests vulnerable to .netrc credentials leak via malicious URLs',
  affected: [{ package: { name: 'requests', ecosystem: 'PyPI' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.32.4' }] }] }],
};
const ECDSA_MINERVA = {
  id: 'GHSA-wj6h-64fc-37mp',
  aliases: ['CVE-2024-23342'],
  summary: 'Minerva timing attack on P-256 in python-ecdsa',
  affected: [{ package: { name: 'ecdsa', ecosystem: 'PyPI' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }],
};

describe('judging an audit', () => {
  const report = {
    dependencies: [
      {
        name: 'requests',
        version: '2.32.3',
        vulns: [{ id: 'PYSEC-2024-1', fix_versions: ['2.32.4'], aliases: ['CVE-2024-47081', 'PYSEC-2024-1'], description: 'netrc' }],
      },
      { name: 'ecdsa', version: '0.19.2', vulns: [{ id: 'GHSA-wj6h-64fc-37mp', fix_versions: [], aliases: ['CVE-2024-23342'] }] },
      { name: 'rsa', version: '4.9.1', vulns: [] },
      { name: 'private-pkg', skip_reason: 'Dependency not found on PyPI and could not be audited: private-pkg (1.0)' },
    ],
  };

  it('lists each advisory with its aliases and fix, accepted ones with their reason (by id or alias), and what was not audited', () => {
    const audit = judgeAudit(WHERE, report, { 'CVE-2024-23342': 'python-jose uses the cryptography backend; ecdsa is never called for signing' });
    expect(audit).toMatchObject({
      status: 'audited',
      distributions: 4,
      notAudited: [{ name: 'private-pkg', reason: expect.stringContaining('not found on PyPI') }],
    });
    expect(audit.findings.map((finding) => [finding.name, advisoryText(finding), finding.accepted ?? null])).toEqual([
      ['ecdsa', 'GHSA-wj6h-64fc-37mp (CVE-2024-23342), no fixed version', 'python-jose uses the cryptography backend; ecdsa is never called for signing'],
      ['requests', 'PYSEC-2024-1 (CVE-2024-47081), fixed in 2.32.4', null],
    ]);
    expect([...openAdvisories([audit], PLUGINS.byId('python')).keys()]).toEqual(['pkg:pypi/requests@2.32.3']);
  });

  it('is skipped, with the reason, when the service answered for no distribution: never a clean result', () => {
    const none = judgeAudit(
      WHERE,
      {
        dependencies: [
          { name: 'a', skip_reason: 'Dependency not found on PyPI and could not be audited: a (1.0)' },
          { name: 'b', skip_reason: 'Dependency not found on PyPI and could not be audited: b (2.0)' },
        ],
      },
      {},
    );
    expect(none).toMatchObject({
      status: 'skipped',
      reason: 'the service answered for none of its 2 distributions (Dependency not found on PyPI and could not be audited)',
      findings: [],
    });
  });

  it('reads the advisories a layer accepts, and refuses an acceptance without a reason', () => {
    expect(parseAcceptedAdvisories('{"accepted": {"GHSA-wj6h-64fc-37mp": "no fixed version exists; not reachable here"}}')).toEqual({
      'GHSA-wj6h-64fc-37mp': 'no fixed version exists; not reachable here',
    });
    expect(parseAcceptedAdvisories('{"accepted": {"GHSA-x": "ok"}}')).toMatch(/each with the reason it is accepted/);
    expect(parseAcceptedAdvisories('{"ignore": []}')).toMatch(/may hold only "accepted"/);
    expect(parseAcceptedAdvisories('nope')).toMatch(/is not valid JSON/);
  });

  it("puts an open advisory of a new Python layer version's packages in the review's caution box", () => {
    const contentHash = 'abcdefabcdefabcd'.padEnd(64, '0');
    const plan: TerraformPlan = {
      resource_changes: [
        {
          address: 'aws_lambda_layer_version.stable',
          mode: 'managed',
          type: 'aws_lambda_layer_version',
          name: 'stable',
          change: {
            actions: ['create'],
            before: null,
            after: {
              layer_name: 'multicloud-auto-deploy-dev-stable',
              description: `content ${contentHash.slice(0, 16)} | python3.12 x86_64 | requests==2.32.3`,
            },
          },
        },
      ],
    } as unknown as TerraformPlan;
    const audit: LockAudit = judgeAudit(
      WHERE,
      {
        dependencies: [{ name: 'requests', version: '2.32.3', vulns: [{ id: 'GHSA-9hjg-9r4m-mvj7', fix_versions: ['2.32.4'], aliases: ['CVE-2024-47081'] }] }],
      },
      {},
    );
    const built = new Map([
      [
        contentHash.slice(0, 16),
        {
          contentHash,
          family: 'python' as const,
          packages: [{ name: 'requests', version: '2.32.3', direct: true }],
          source: 'manifest' as const,
          complete: true,
        },
      ],
    ]);
    const summary = summarisePlan(plan, {
      families: PLUGINS,
      built,
      advisories: openAdvisories([audit], PLUGINS.byId('python')),
      notes: ['known advisories from the OSV service: 1 open'],
    });
    expect(summary.cautions).toEqual([
      'layer `multicloud-auto-deploy-dev-stable`: **requests 2.32.3 has a known advisory**: GHSA-9hjg-9r4m-mvj7 (CVE-2024-47081), fixed in 2.32.4',
    ]);
    expect(renderPlanSummary('api-dev', summary)).toContain('> - layer `multicloud-auto-deploy-dev-stable`: **requests 2.32.3 has a known advisory**');
    // Accepted, it is not a caution.
    const accepted = judgeAudit(
      WHERE,
      { dependencies: [{ name: 'requests', version: '2.32.3', vulns: [{ id: 'GHSA-9hjg-9r4m-mvj7', fix_versions: ['2.32.4'], aliases: [] }] }] },
      { 'GHSA-9hjg-9r4m-mvj7': 'the function never follows redirects with credentials' },
    );
    expect(summarisePlan(plan, { families: PLUGINS, built, advisories: openAdvisories([accepted], PLUGINS.byId('python')) }).cautions).toEqual([]);
  });
});

/** An OSV-compatible service on a free loopback port: answers POST /v1/query with the records given per package and version. */
async function osvService(records: (name: string, version: string) => unknown[]): Promise<{ url: string; queries: string[]; stop: () => Promise<void> }> {
  const queries: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const query = JSON.parse(body) as { package: { name: string; ecosystem: string }; version: string };
      queries.push(`${query.package.name}==${query.version}`);
      const vulns = records(query.package.name, query.version);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(vulns.length ? { vulns } : {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/query`, queries, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('npm run layers:audit, with the real pip-audit against a local OSV service', () => {
  let service: Awaited<ReturnType<typeof osvService>>;

  beforeAll(async () => {
    service = await osvService((name, version) => [
      ...(name === 'requests' && version === '2.32.3' ? [REQUESTS_NETRC] : []),
      ...(name === 'ecdsa' ? [ECDSA_MINERVA] : []),
    ]);
  });

  afterAll(async () => {
    await service.stop();
  });

  it('asks about every locked distribution, and fails on an advisory the layer does not accept, naming it and its fix', async () => {
    const copy = copyProject('audit');
    // The seed's pin, which this repository moved past.
    const lock = path.join(copy, 'layers', 'stable', 'requirements.python3.12-x86_64.lock.txt');
    fs.writeFileSync(lock, fs.readFileSync(lock, 'utf8').replace(/^requests==2\.32\.5/m, 'requests==2.32.3'));
    const result = await runCli(['layers:audit', 'stable', '--service', 'osv', '--osv-url', service.url, '--json'], { env: cliEnv(), cwd: copy });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; audits: LockAudit[] };
    expect(report.ok).toBe(false);
    const x86 = report.audits.find((audit) => audit.target === 'python3.12-x86_64')!;
    expect(x86).toMatchObject({ status: 'audited', distributions: 14 });
    expect(x86.findings.map((finding) => [finding.name, finding.version, advisoryText(finding), finding.accepted ?? null])).toEqual([
      // pip-audit names an OSV record by its CVE where it has one, the record's own id among the aliases.
      ['ecdsa', '0.19.2', 'CVE-2024-23342 (GHSA-wj6h-64fc-37mp), no fixed version', expect.stringMatching(/^CVE-2024-23342, the Minerva timing attack/)],
      ['requests', '2.32.3', 'CVE-2024-47081 (GHSA-9hjg-9r4m-mvj7), fixed in 2.32.4', null],
    ]);
    expect(service.queries).toEqual(expect.arrayContaining(['requests==2.32.3', 'cryptography==50.0.2', 'python-jose==3.5.0']));
    expect(result.stderr).toMatch(
      /✗ advisories from the OSV service http:\/\/127\.0\.0\.1:\d+\/v1\/query: 1 open advisory finding\(s\), 2 accepted, 0 of 2 lock\(s\) skipped/,
    );
  });

  it("passes the repository's own locks: ecdsa's advisory shown as accepted, with the reason its layers give", async () => {
    const result = await runCli(['layers:audit', '--service', 'osv', '--osv-url', service.url], { env: cliEnv() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '  accepted ecdsa 0.19.2: CVE-2024-23342 (GHSA-wj6h-64fc-37mp), no fixed version (accepted: CVE-2024-23342, the Minerva timing attack',
    );
    expect(result.stdout.match(/ {2}accepted ecdsa/g)).toHaveLength(6);
    expect(result.stdout).toMatch(
      /adapters python3\.12-arm64 {2}layers\/adapters\/requirements\.python3\.12-arm64\.lock\.txt, 3 distributions: no known advisories\n/,
    );
    expect(result.stderr).toMatch(/✓ .*: 0 open advisory finding\(s\), 6 accepted, 0 of 10 lock\(s\) skipped/);
  });

  it('reports a service it cannot reach as skipped, not clean; --strict fails on it', async () => {
    const closed = await freePort();
    const env = cliEnv({ LAYERS_AUDIT_SERVICE: 'osv', LAYERS_AUDIT_OSV_URL: `http://127.0.0.1:${closed}/v1/query` });
    const result = await runCli(['layers:audit', 'adapters'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/○ advisories from the OSV service .*: skipped, 0 open advisory finding\(s\), 0 accepted, 2 of 2 lock\(s\) skipped/);
    expect(result.stdout).toMatch(
      new RegExp(
        `adapters python3\\.12-x86_64 .*: skipped, pip-audit could not ask the OSV service http://127\\.0\\.0\\.1:${closed}/v1/query: .*Connection refused`,
      ),
    );
    expect((await runCli(['layers:audit', 'adapters', '--strict'], { env })).code).toBe(1);
    const wrong = await runCli(['layers:audit', '--service', 'snyk'], { env });
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining('The advisory service "snyk" is not one pip-audit asks here; use pypi')]);
  });

  it("npm run plan:summary looks up the Python function's layers, puts an open advisory in the caution box, and says when it could not look", async () => {
    // A service that knows an advisory for the version the repository is locked to (a test record, not a real one).
    const testRecord = {
      id: 'OSV-TEST-0001',
      summary: "a test advisory of the test's own service",
      affected: [{ package: { name: 'requests', ecosystem: 'PyPI' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '99.0' }] }] }],
    };
    const local = await osvService((name, version) => (name === 'requests' && version === '2.32.5' ? [testRecord] : name === 'ecdsa' ? [ECDSA_MINERVA] : []));
    try {
      const context = JSON.stringify({ environments: { dev: { function: 'python' } } });
      const buildDir = path.join(makeTempDir('audit-plan'), 'build');
      const built = await runCli(['build', '--only-used', '--build-dir', buildDir], { env: cliEnv({ CDKTF_CONTEXT_JSON: context }) });
      expect(built.code).toBe(0);
      const layer = readManifest(buildDir).layers.find((candidate) => candidate.id === 'dependencies/python3.12-x86_64')!;
      const plan = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'plans', 'layer-replace.json'), 'utf8')) as {
        resource_changes: { type: string; change: { after: Record<string, unknown> } }[];
      };
      for (const change of plan.resource_changes) {
        if (change.type !== 'aws_lambda_layer_version') continue;
        change.change.after['layer_name'] = 'multicloud-auto-deploy-dev-dependencies';
        change.change.after['description'] = layerDescription(layer, 'python3.12');
      }
      const planFile = path.join(makeTempDir('audit-plan-json'), 'plan.json');
      fs.writeFileSync(planFile, JSON.stringify(plan));
      const summary = (url: string, extra: string[] = []) =>
        runCli(['plan:summary', planFile, '--stack', 'api-dev', '--build-dir', buildDir, ...extra], {
          env: cliEnv({ CDKTF_CONTEXT_JSON: context, LAYERS_AUDIT_SERVICE: 'osv', LAYERS_AUDIT_OSV_URL: url }),
        });
      const found = await summary(local.url);
      expect(found.code).toBe(0);
      expect(found.stdout).toContain(
        '> - layer `multicloud-auto-deploy-dev-dependencies`: **requests 2.32.5 has a known advisory**: OSV-TEST-0001, fixed in 99.0',
      );
      expect(found.stdout).not.toContain('**ecdsa');
      expect(found.stdout).toContain(`_Note: known advisories from the OSV service ${local.url}: 1 open, 1 accepted, for 1 lock(s)._`);
      const unreachable = await summary('http://127.0.0.1:9/v1/query');
      expect(unreachable.stdout).toMatch(
        /_Note: known advisories could not be looked up for dependencies python3\.12-x86_64: pip-audit could not ask the OSV service http:\/\/127\.0\.0\.1:9\/v1\/query: .*Connection refused/,
      );
      expect(unreachable.stdout).not.toContain('has a known advisory');
      expect((await summary(local.url, ['--skip-audit'])).stdout).toContain('_Note: known advisories were not looked up (--skip-audit)._');
    } finally {
      await local.stop();
    }
  });
});
