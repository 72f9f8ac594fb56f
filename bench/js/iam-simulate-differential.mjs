// Reads differential cases (JSON lines on stdin) and prints iam-simulate's decision for every
// request (one JSON array per case). Run from bench/js so the package resolves. AGPL peer: run
// as a separate process only.
import { createInterface } from 'node:readline'
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate'

const accountOf = (resource, principal) => {
  const parts = resource.split(':')
  if (parts.length >= 6 && parts[4]) return parts[4]
  const p = principal.split(':')
  return p.length >= 5 && p[4] ? p[4] : '111122223333'
}
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of rl) {
  if (!line.trim()) continue
  const c = JSON.parse(line)
  const p = c.policies
  const out = []
  for (const r of c.requests) {
    const sim = {
      request: {
        principal: r.principal === 'anonymous' ? anonymousPrincipal : r.principal,
        action: r.action,
        resource: { resource: r.resource, accountId: accountOf(r.resource, r.principal) },
        contextVariables: r.context
      },
      identityPolicies: r.principal === 'anonymous' || !r.principal.startsWith('arn:') ? [] : p.identity,
      // iam-simulate refuses SCPs for anonymous requests (they do not apply to them anyway).
      serviceControlPolicies:
        r.principal === 'anonymous' ? [] : (p.scps ?? []).map((level, i) => ({ orgIdentifier: `ou-${i}`, policies: level })),
      resourceControlPolicies: [],
      resourcePolicy: p.resource?.policy,
      permissionBoundaryPolicies: p.permissionsBoundary && r.principal.startsWith('arn:') ? [p.permissionsBoundary] : undefined
    }
    // The validated entry point: the unsafe one fails on resource policies without metadata.
    try {
      const r = await runSimulation(sim, {})
      out.push(r.overallResult ?? ('Error: ' + JSON.stringify(r.errors ?? r).slice(0, 120)))
    } catch (e) {
      out.push('Error: ' + String(e.message).slice(0, 80))
    }
  }
  console.log(JSON.stringify(out))
}
