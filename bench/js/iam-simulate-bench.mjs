// Runs a workload through @cloud-copilot/iam-simulate (AGPL-3.0) in this separate Node process and
// prints evaluations per second as JSON. Nothing of it is copied into iam-core.
//
// usage: node iam-simulate-bench.mjs WORKLOAD.json [--seconds S]
// WORKLOAD: {"policies": {"identity": [{"name", "policy"}]}, "requests": [{principal, action, resource, context}]}
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

const require = createRequire(import.meta.url)
// The raw core engine is not among the package's exports; load its module file directly.
const root = join(dirname(require.resolve('@cloud-copilot/iam-simulate')), '..', 'esm')
const { authorize } = await import(join(root, 'core_engine', 'CoreSimulatorEngine.js'))
const { AwsRequestImpl } = await import(join(root, 'request', 'request.js'))
const { RequestContextImpl } = await import(join(root, 'requestContext.js'))
const { DiscoveryContextKeyConstraints } = await import(join(root, 'context_keys', 'discoveryContextKeyConstraints.js'))
const policyRoot = join(dirname(require.resolve('@cloud-copilot/iam-policy')), '..', 'esm')
const { loadPolicy } = await import(join(policyRoot, 'index.js'))

const file = process.argv[2]
const secondsArg = process.argv.indexOf('--seconds')
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 2
const workload = JSON.parse(readFileSync(file, 'utf8'))

const toContext = (ctx = {}) =>
  Object.fromEntries(Object.entries(ctx).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]))
const accountOf = (resource, principal) => {
  const parts = resource.split(':')
  if (parts.length >= 6 && parts[4]) return parts[4]
  return principal.split(':')[4]
}
const identity = workload.policies.identity.map((p) => ({ name: p.name, policy: p.policy }))
const loaded = identity.map((p) => loadPolicy(p.policy, { name: p.name }))
const requests = workload.requests.map((r) => {
  const resource = r.resource ?? '*'
  return {
    simulation: {
      request: {
        principal: r.principal,
        action: r.action,
        resource: { resource, accountId: accountOf(resource, r.principal) },
        contextVariables: toContext(r.context)
      },
      identityPolicies: identity,
      serviceControlPolicies: [],
      resourceControlPolicies: []
    },
    raw: new AwsRequestImpl(
      r.principal,
      { resource, accountId: accountOf(resource, r.principal) },
      r.action,
      new RequestContextImpl(toContext(r.context)),
      resource === '*'
    )
  }
})
const params = { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) }
const rawOnce = (req) =>
  authorize({
    request: req.raw,
    sessionPolicy: undefined,
    identityPolicies: loaded,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: undefined,
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: params
  }).result
const unsafeOnce = (req) => {
  const r = runUnsafeSimulation(req.simulation, {})
  return r.result ?? r.analysis?.result ?? r
}

function measure(fn) {
  // Warm up, then count evaluations in five rounds of the time budget and keep the fastest
  // round's rate, as eval-bench measures iam-core.
  for (let i = 0; i < 2000; i++) fn(requests[i % requests.length])
  let n = 0
  let best = 0
  const budget = BigInt(Math.round((seconds / 5) * 1e9))
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint()
    const first = n
    while (process.hrtime.bigint() - start < budget) {
      for (let i = 0; i < 100; i++) fn(requests[n++ % requests.length])
    }
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9
    best = Math.max(best, (n - first) / elapsed)
  }
  return best
}

const decisions = requests.map((r) => rawOnce(r))
const rawPerSecond = measure(rawOnce)
const unsafePerSecond = measure(unsafeOnce)
console.log(JSON.stringify({ rawPerSecond, unsafePerSecond, decisions }))
