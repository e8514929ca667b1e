package cfncheck

// exemptions is the one list of Control Tower controls (Guard) and cfn-lint
// rules (Lint) that a named resource or resource type may fail, each with its
// reason. Keep every entry as narrow as it can be (resources before types),
// with a reason a security reviewer would sign. Nothing else is exempt.
//
// TestExemptions_WellFormed checks the entries; the app's template tests must
// fail on [StaleExemptions], so an entry nothing needs any more is deleted.
var exemptions = []Exemption{}
