// A bare loop of `PolicySet.decidePrepared` over a workload's requests, for profilers (see
// bench/instructions.sh, which counts the instructions V8's compiled WebAssembly executes).
//
// usage: node prepared-loop.mjs WORKLOAD.json [CALLS]
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const iam = createRequire(import.meta.url)(join(root, 'iam-wasm', 'pkg', 'node', 'iam_wasm.js'))
const workload = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const calls = Number(process.argv[3] || 1_000_000)
const set = iam.PolicySet.compile(workload.policies).set
const now = Math.floor(Date.now() / 1000)
const prepared = workload.requests.map((r) => iam.PreparedRequest.read(r, now).request)
let sink = 0
const start = process.hrtime.bigint()
for (let i = 0; i < calls; i++) sink += set.decidePrepared(prepared[i % prepared.length]).length
console.log(`${(Number(process.hrtime.bigint() - start) / calls).toFixed(1)} ns per decision ${sink}`)
