// Evaluates IAM requests with @cloud-copilot/iam-simulate (AGPL-3.0, a test
// tool only: nothing deployed imports it). Reads a JSON array of
// simulations on stdin, writes a JSON array of outcomes on stdout, one per
// simulation, in order: {"result", "deciding", "errors"}; "errors" holds
// the evaluator's validation errors and the context keys it ignored.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const read = async () => {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

// statementName names a statement as "<policy>:<Sid>" (or its index).
const statementName = (policy, s) => {
  const st = s.statement
  const sid = st && typeof st.sid === 'function' ? st.sid() : undefined
  const index = st && typeof st.index === 'function' ? st.index() : undefined
  return `${policy}:${sid ?? '#' + index}`
}

const deciding = (result, allowed) => {
  const a = result?.analysis
  if (!a) return []
  const pick = allowed ? 'allowStatements' : 'denyStatements'
  const out = []
  for (const [policy, analysis] of [['identity', a.identityAnalysis], ['resource', a.resourceAnalysis]]) {
    for (const s of analysis?.[pick] ?? []) out.push(statementName(policy, s))
  }
  return out
}

const sims = await read()
const outcomes = []
for (const sim of sims) {
  const r = await runSimulation(
    {
      request: sim.request,
      identityPolicies: sim.identityPolicies ?? [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: sim.resourcePolicy ?? undefined,
    },
    { simulationMode: 'Strict' },
  )
  if (r.resultType === 'error') {
    outcomes.push({ result: 'Error', deciding: [], errors: JSON.stringify(r.errors) })
    continue
  }
  if (r.resultType !== 'single') {
    outcomes.push({ result: 'Error', deciding: [], errors: `unexpected result type ${r.resultType}` })
    continue
  }
  const allowed = r.overallResult === 'Allowed'
  // A context key the evaluator does not know for the action is ignored,
  // as if absent: report it, so that a misspelt key fails the caller.
  const ignored = r.result?.ignoredContextKeys ?? []
  outcomes.push({
    result: r.overallResult,
    deciding: deciding(r.result, allowed),
    errors: ignored.length ? `context keys not known for ${sim.request.action}, ignored: ${ignored.join(', ')}` : undefined,
  })
}
process.stdout.write(JSON.stringify(outcomes))
