#!/usr/bin/env node
// check.cjs runs cdk-nag's Serverless pack over synthesized CloudFormation templates.
//
// Usage: node tools/nag-serverless/check.cjs TEMPLATE.json [TEMPLATE.json ...]
//
// Each template is loaded into its own Stack with cloudformation_include.CfnInclude, so
// resources keep their logical ids and their Metadata (cdk_nag.rules_to_suppress written by
// the Go app's NagSuppressions is honoured, reasons required). Output is JSON lines on stdout:
//   {"kind":"finding","template":...,"rule":...,"level":"error|warning","logicalId":...,"message":...}
//   {"kind":"suppressed","template":...,"rule":...,"logicalId":...,"reason":...}
//   {"kind":"summary","templates":N,"findings":N,"suppressed":N}
// Exit status: 0 when no unsuppressed finding, 1 on any unsuppressed finding, 2 on an internal
// failure (unreadable template, CfnInclude failure, bad usage).
'use strict';

// This tool only runs cdk-nag; aws-cdk-lib's built-in CloudFormation validation of the
// re-synthesized template is another gate's job (internal/gates/cfncheck) and only adds noise here.
process.env.CDK_VALIDATION = 'false';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cdk = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { ServerlessChecks } = require('cdk-nag');

let outdir;

function fail(msg) {
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  process.stderr.write(`nag-serverless: ${msg}\n`);
  process.exit(2);
}

// logicalIdOf returns the CloudFormation logical id of the CfnElement a finding is attached to.
function logicalIdOf(resource) {
  const stack = cdk.Stack.of(resource);
  return stack.resolve(resource.logicalId);
}

// Collector is a cdk-nag INagLogger that records every outcome with its structured data.
class Collector {
  constructor() {
    this.findings = [];
    this.suppressed = [];
  }
  onCompliance() {}
  onNotApplicable() {}
  onNonCompliance(d) {
    this.findings.push({
      rule: d.findingId ? `${d.ruleId}[${d.findingId}]` : d.ruleId,
      level: d.ruleLevel === 'Error' ? 'error' : d.ruleLevel === 'Warning' ? 'warning' : String(d.ruleLevel).toLowerCase(),
      logicalId: logicalIdOf(d.resource),
      message: `${d.ruleInfo} ${d.ruleExplanation}`,
    });
  }
  onSuppressed(d) {
    this.suppressed.push({
      rule: d.findingId ? `${d.ruleId}[${d.findingId}]` : d.ruleId,
      logicalId: logicalIdOf(d.resource),
      reason: d.suppressionReason,
    });
  }
  onError(d) {
    this.findings.push({
      rule: `CdkNagValidationFailure[${d.ruleId}]`,
      level: 'warning',
      logicalId: logicalIdOf(d.resource),
      message: d.errorMessage,
    });
  }
  onSuppressedError(d) {
    this.suppressed.push({
      rule: `CdkNagValidationFailure[${d.ruleId}]`,
      logicalId: logicalIdOf(d.resource),
      reason: d.errorSuppressionReason,
    });
  }
}

// annotationCount counts the Serverless annotations cdk-nag attached to the stack's constructs
// (node metadata aws:cdk:error / aws:cdk:warning); used to cross-check the collector.
function annotationCount(stack) {
  let n = 0;
  for (const c of stack.node.findAll()) {
    for (const m of c.node.metadata) {
      if ((m.type === 'aws:cdk:error' || m.type === 'aws:cdk:warning') && typeof m.data === 'string' &&
          (m.data.startsWith('Serverless-') || m.data.startsWith('CdkNagValidationFailure'))) {
        n++;
      }
    }
  }
  return n;
}

// withoutStackOutputs returns the path of a template CfnInclude can read: file itself, or, when
// the template reads another stack's outputs with Fn::GetStackOutput (which CfnInclude does not
// know), a copy in outdir where each such read is the string "GetStackOutput:<stack>/<output>".
// Those values are ARNs and names in policy conditions and environment variables, which no
// Serverless rule inspects; every resource and every other property is left as it is.
function withoutStackOutputs(template, file) {
  let replaced = 0;
  const walk = (v) => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'Fn::GetStackOutput') {
      const ref = v['Fn::GetStackOutput'] || {};
      if (typeof ref.StackName !== 'string' || typeof ref.OutputName !== 'string') {
        fail(`${file}: Fn::GetStackOutput without literal StackName and OutputName: ${JSON.stringify(v)}`);
      }
      replaced++;
      return `GetStackOutput:${ref.StackName}/${ref.OutputName}`;
    }
    const out = {};
    for (const k of keys) out[k] = walk(v[k]);
    return out;
  };
  const rewritten = walk(template);
  if (replaced === 0) return file;
  const copy = path.join(outdir, `included-${path.basename(file)}`);
  fs.writeFileSync(copy, JSON.stringify(rewritten));
  return copy;
}

function main(files) {
  if (files.length === 0) fail('usage: check.cjs TEMPLATE.json [TEMPLATE.json ...]');
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-serverless-'));
  let findings = 0;
  let suppressed = 0;
  try {
    for (const file of files) {
      let template;
      try {
        template = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        fail(`${file}: ${e.message}`);
      }
      if (template === null || typeof template !== 'object' || Array.isArray(template) ||
          template.Resources === null || typeof template.Resources !== 'object' || Array.isArray(template.Resources)) {
        fail(`${file}: not a CloudFormation template (no Resources object)`);
      }
      const app = new cdk.App({ outdir });
      // The synthesized template already carries the bootstrap-version parameter and rule and
      // the CDKMetadata resource; this stack must not add its own.
      const stack = new cdk.Stack(app, 'Checked', {
        analyticsReporting: false,
        synthesizer: new cdk.DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      });
      try {
        new CfnInclude(stack, 'Template', { templateFile: withoutStackOutputs(template, file) });
      } catch (e) {
        fail(`${file}: CfnInclude: ${e.message}`);
      }
      const collector = new Collector();
      cdk.Aspects.of(app).add(new ServerlessChecks({ verbose: true, reports: false, additionalLoggers: [collector] }));
      try {
        app.synth();
      } catch (e) {
        fail(`${file}: ${e.message}`);
      }
      const annotated = annotationCount(stack);
      if (annotated !== collector.findings.length) {
        fail(`${file}: ${collector.findings.length} findings logged but ${annotated} annotations on the stack`);
      }
      const rel = file;
      for (const f of collector.findings) {
        process.stdout.write(JSON.stringify({ kind: 'finding', template: rel, ...f }) + '\n');
      }
      for (const s of collector.suppressed) {
        process.stdout.write(JSON.stringify({ kind: 'suppressed', template: rel, ...s }) + '\n');
      }
      findings += collector.findings.length;
      suppressed += collector.suppressed.length;
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify({ kind: 'summary', templates: files.length, findings, suppressed }) + '\n');
  process.exit(findings > 0 ? 1 : 0);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  fail(e && e.stack ? e.stack : String(e));
}
