// A bare loop of `PolicySet.decidePrepared` over a workload's requests, for profilers (see
// bench/instructions.sh, which counts the instructions V8's compiled WebAssembly executes).
// With --objects, a loop of `PolicySet.decide` on the plain request objects instead: what a JS
// caller pays per call, reading the object included.
//
// usage: node prepared-loop.mjs WORKLOAD.json [CALLS] [--objects]
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const iam = createRequire(import.meta.url)(join(root, 'iam-wasm', 'pkg', 'node', 'iam_wasm.js'))
const args = process.argv.slice(2).filter((a) => a !== '--objects')
const objects = process.argv.includes('--objects')
const workload = JSON.parse(readFileSync(args[0], 'utf8'))
const calls = Number(args[1] || 1_000_000)
const set = iam.PolicySet.compile(workload.policies).set
const now = Math.floor(Date.now() / 1000)
const prepared = workload.requests.map((r) => iam.PreparedRequest.read(r, now).request)
let sink = 0
const start = process.hrtime.bigint()
if (objects) {
  const requests = workload.requests
  for (let i = 0; i < calls; i++) sink += set.decide(requests[i % requests.length], now).length
} else {
  for (let i = 0; i < calls; i++) sink += set.decidePrepared(prepared[i % prepared.length]).length
}
console.log(`${(Number(process.hrtime.bigint() - start) / calls).toFixed(1)} ns per decision ${sink}`)
