// Runs a workload through the Node build of iam-wasm (iam-wasm/build.sh) and prints, as JSON,
// nanoseconds per decision three ways: on requests read beforehand (the engine in WebAssembly),
// on plain request objects (what a JS caller pays per call), and on JSON strings; and the
// nanoseconds of the first call when it decides nothing (`noopPrepared`: the call's own cost).
//
// For the 3-statement workload it also runs a comparable 3-policy Cedar set through
// @cedar-policy/cedar-wasm (Apache-2.0; installed in bench/js, never linked) in this same
// process: `statefulIsAuthorized` on a pre-parsed policy set, its fastest call.
//
// With --turns it measures the first figure alone, one round per line read from stdin (the line
// is the round's length in seconds), writing each round's nanoseconds per call as a line:
// eval-bench alternates these rounds with native ones, so that both sides are timed in the same
// stretches of a shared machine's load.
//
// usage: node wasm-bench.mjs WORKLOAD.json [--seconds S] [--turns]
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const require = createRequire(import.meta.url)
const iam = require(join(root, 'iam-wasm', 'pkg', 'node', 'iam_wasm.js'))

const file = process.argv[2]
const secondsArg = process.argv.indexOf('--seconds')
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 2
const workload = JSON.parse(readFileSync(file, 'utf8'))
const compiled = iam.PolicySet.compile(workload.policies)
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors))
const set = compiled.set
const now = Math.floor(Date.now() / 1000)
const objects = workload.requests
const strings = objects.map((r) => JSON.stringify(r))
const prepared = objects.map((r) => {
  const p = iam.PreparedRequest.read(r, now)
  if (!p.ok) throw new Error(JSON.stringify(p.errors))
  return p.request
})

// One timed round of `f` for `seconds`, calls numbered from `from`: `[ns per call, calls]`.
function round(f, seconds, from) {
  const limit = BigInt(Math.round(seconds * 1e9))
  const start = process.hrtime.bigint()
  let n = from
  let elapsed = 0n
  while (elapsed < limit) {
    for (let j = 0; j < 1000; j++) f(n++)
    elapsed = process.hrtime.bigint() - start
  }
  return [Number(elapsed) / (n - from), n - from]
}

// Nanoseconds per call of the fastest of five rounds, as eval-bench measures the native side.
function measure(f) {
  for (let i = 0; i < 10000; i++) f(i)
  let n = 0
  let best = Infinity
  for (let r = 0; r < 5; r++) {
    const [ns, calls] = round(f, seconds / 5, n)
    n += calls
    best = Math.min(best, ns)
  }
  return best
}

let sink = 0
const decidePrepared = (i) => { sink += set.decidePrepared(prepared[i % prepared.length]).length }
const preparedNs = measure(decidePrepared)
if (process.argv.includes('--turns')) {
  const { createInterface } = await import('node:readline')
  let n = 0
  for await (const line of createInterface({ input: process.stdin })) {
    const [ns, calls] = round(decidePrepared, Number(line), n)
    n += calls
    process.stdout.write(`${ns}\n`)
  }
  process.exit(sink > 0 ? 0 : 1)
}
// The same call deciding nothing: what crossing from JS costs (the engine's time is the rest).
const callNs = measure((i) => { sink += set.noopPrepared(prepared[i % prepared.length]).length })
const objectNs = measure((i) => { sink += set.decide(objects[i % objects.length], now).length })
const stringNs = measure((i) => { sink += set.decide(strings[i % strings.length], now).length })
const decisions = prepared.map((r) => set.decidePrepared(r))

// The 3-statement workload written in Cedar (bench/workloads/three-statements.cedar, shared with
// the native cedar-policy row of eval-bench): the same grants, conditions and deny, with the
// request's attributes in the context (Cedar has no action wildcards: the deny lists the actions).
const CEDAR_POLICIES = readFileSync(join(root, 'bench', 'workloads', 'three-statements.cedar'), 'utf8')
let cedar = null
if (file.endsWith('three-statements.json')) {
  let lib = null
  try {
    lib = require('@cedar-policy/cedar-wasm/nodejs')
  } catch {
    process.stderr.write('@cedar-policy/cedar-wasm is not installed (npm ci in bench/js): no Cedar row\n')
  }
  if (lib) {
    const parsed = lib.preparsePolicySet('bench', { staticPolicies: CEDAR_POLICIES })
    if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed))
    const calls = objects.map((r) => {
      const c = r.context ?? {}
      const context = {
        resource: r.resource ?? '*',
        sourceIp: { __extn: { fn: 'ip', arg: String(c['aws:SourceIp'] ?? '0.0.0.0') } },
        secureTransport: String(c['aws:SecureTransport']) === 'true',
      }
      if (c['aws:PrincipalTag/team'] !== undefined) context.team = String(c['aws:PrincipalTag/team'])
      if (c['aws:MultiFactorAuthPresent'] !== undefined) context.mfa = String(c['aws:MultiFactorAuthPresent']) === 'true'
      return {
        principal: { type: 'User', id: r.principal },
        action: { type: 'Action', id: r.action },
        resource: { type: 'Resource', id: r.resource ?? '*' },
        context,
        preparsedPolicySetId: 'bench',
        entities: [],
      }
    })
    const answer = (call) => {
      const a = lib.statefulIsAuthorized(call)
      if (a.type !== 'success') throw new Error(JSON.stringify(a))
      return a.response.decision
    }
    const cedarDecisions = calls.map(answer)
    const cedarNs = measure((i) => { sink += answer(calls[i % calls.length]).length })
    // Cedar has allow/deny only; ours says which deny.
    const agree = decisions.filter((d, i) => (d === 'allow') === (cedarDecisions[i] === 'allow')).length
    cedar = { version: lib.getCedarVersion(), ns: cedarNs, agree, of: decisions.length }
  }
}
process.stdout.write(JSON.stringify({ preparedNs, callNs, objectNs, stringNs, decisions, cedar, sink: sink > 0 }) + '\n')
