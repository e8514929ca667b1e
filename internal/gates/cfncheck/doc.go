// Package cfncheck checks synthesized CloudFormation templates against rule
// sets nobody on the team wrote. It works on template JSON only (no CDK
// import), so any test can run it over the templates the app synthesizes.
//
// Four checks:
//
//   - [Guard] runs the real cfn-guard binary shipped in the
//     @cdklabs/cdk-validator-cfnguard npm package with that package's AWS
//     Control Tower proactive-control rules.
//   - [Schema] validates every resource's Properties against the
//     CloudFormation registry schema of its type (embedded, see schemas/README.md).
//   - [Lint] runs cfn-lint from the machine's Python.
//   - [Cycle] walks the Ref, Fn::GetAtt, Fn::Sub and DependsOn graph and
//     reports a dependency cycle.
//
// Guard and Lint return every [Finding]; findings covered by an entry in the
// one exemptions list (exemptions.go) carry that entry, and [Failures] keeps
// the ones that must fail a test. [StaleExemptions] reports entries that
// covered nothing, so the list cannot rot.
package cfncheck
