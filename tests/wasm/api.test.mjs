// The iam-wasm package's API from Node: shapes, located errors, failures returned not thrown.
// Run: node --test tests/wasm/   (after iam-wasm/build.sh)
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const w = require("../../iam-wasm/pkg/node/iam_wasm.js");

const allowGet = {
  Version: "2012-10-17",
  Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" },
};
const alice = "arn:aws:iam::111122223333:user/alice";

test("version and catalog date", () => {
  assert.match(w.version(), /^\d+\.\d+\.\d+/);
  assert.match(w.catalogDate(), /^\d{4}-\d{2}-\d{2}$/);
});

test("parse keeps the policy and reports located errors", () => {
  const ok = w.parse(JSON.stringify(allowGet));
  assert.equal(ok.ok, true);
  assert.equal(ok.statements, 1);
  assert.deepEqual(JSON.parse(ok.policy), allowGet);
  // "é" is two UTF-8 bytes and one UTF-16 unit; "😀" four bytes and two units.
  const bad = w.parse('{"Version": "2012-10-17", "Id": "é😀", "Statement": [], "Bogus": 1}');
  assert.equal(bad.ok, false);
  const e = bad.errors[0];
  assert.equal(e.severity, "error");
  assert.equal(e.location.path, "/Bogus");
  const start = e.location.start;
  assert.equal(start.line, 1);
  assert.equal(start.offset, e.location.span.start);
  // Columns count characters (é and 😀 one each) and UTF-16 units (😀 is two), from 1.
  assert.equal(start.column, start.offset - 1 - 3 + 1);
  assert.equal(start.columnUtf16, start.column + 1);
});

test("malformed JSON and duplicate keys are errors, not exceptions", () => {
  assert.equal(w.parse("{").ok, false);
  const dup = w.parse('{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}');
  assert.equal(dup.ok, false);
  assert.equal(dup.errors[0].location.start.line, 1);
  assert.equal(dup.errors[0].location.path, "/Version");
});

test("validate, lint and check answer findings with codes and docs", () => {
  const wide = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
  const lint = w.lint(wide);
  assert.equal(lint.ok, true);
  assert.ok(lint.findings.length > 0);
  assert.ok(lint.findings.every((f) => f.code && f.message && f.location.path.startsWith("/Statement")));
  const asResource = w.validate(wide, "resource");
  assert.equal(asResource.ok, true);
  assert.ok(asResource.findings.some((f) => f.severity === "error"), "a resource policy needs a Principal");
  assert.equal(w.validate(wide, "no-such-type").ok, false);
  assert.ok(w.check(wide).findings.length >= lint.findings.length);
});

test("expand lists catalog actions with access levels", () => {
  const got = w.expand("s3:GetObjectTagg*");
  assert.deepEqual(got.map((a) => a.action), ["s3:GetObjectTagging"]);
  assert.equal(got[0].accessLevel, "Read");
  assert.ok(w.expand("*").length > 10000);
});

test("arguments of the wrong type are returned as failures, never a trap or a throw", () => {
  const invalid = (r, label) => {
    assert.equal(r.ok, false, label);
    assert.equal(r.errors[0].code, "INVALID_ARGUMENT", label);
  };
  for (const bad of [5, {}, undefined, null, ["s3:Get*"]]) invalid(w.expand(bad), `expand(${String(bad)})`);
  for (const bad of [5, {}, true]) {
    invalid(w.validate(allowGet, bad), `validate policyType ${String(bad)}`);
    invalid(w.lint(allowGet, bad), `lint policyType ${String(bad)}`);
    invalid(w.check(allowGet, bad), `check policyType ${String(bad)}`);
  }
  assert.equal(w.validate(allowGet, null).ok, true);
  const set = w.PolicySet.compile({ identity: [allowGet] }).set;
  const req = { principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/k" };
  // Out of the years ISO 8601 writes (which Python refuses too, by the same core rule).
  // Not a number: refused, not converted (the glue would make "" and [] 0, "100" 100).
  for (const now of [NaN, Infinity, "soon", {}, 1e300, -1e13, "", [], "100", true]) {
    invalid(set.decide(req, now), `decide now=${String(now)}`);
    invalid(set.evaluate(req, false, now), `evaluate now=${String(now)}`);
    invalid(w.PreparedRequest.read(req, now), `read now=${String(now)}`);
  }
  assert.equal(set.decide(req, 1.8e9), "allow");
  for (const bad of ["yes", 1, {}]) invalid(set.evaluate(req, bad), `evaluate trace=${String(bad)}`);
  assert.equal(set.evaluate(req).ok, true);
  for (const bad of [new Set([req]), { 0: req }, "ab", undefined, null]) {
    invalid(set.evaluateMany(bad), `evaluateMany(${String(bad)})`);
  }
  assert.equal(set.evaluateMany([req])[0].result.decision, "allow");
});

test("what JSON would lose or change is a failure, not a different request", () => {
  const invalid = (r, pattern, label) => {
    assert.equal(r.ok, false, label);
    assert.equal(r.errors[0].code, "INVALID_ARGUMENT", label);
    assert.match(r.errors[0].message, pattern, label);
  };
  const ip = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
      { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } },
    ],
  };
  const set = w.PolicySet.compile({ identity: [ip] }).set;
  const base = { principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::b/k" };
  assert.equal(set.decide({ ...base, context: { "aws:SourceIp": "203.0.113.7" } }), "explicitDeny");
  // A Map would be written as {} (the Deny's key gone); a function or NaN dropped or nulled.
  invalid(set.decide({ ...base, context: new Map([["aws:SourceIp", "203.0.113.7"]]) }), /a Map at `context`/, "Map");
  invalid(set.decide({ ...base, context: { "aws:SourceIp": () => "203.0.113.7" } }), /a function/, "function");
  invalid(set.decide({ ...base, context: { "s3:max-keys": NaN } }), /NaN/, "NaN");
  invalid(w.PolicySet.compile(new Map([["identity", [ip]]])), /a Map/, "Map of policies");
  invalid(w.parse({ ...ip, Statement: new Set(ip.Statement) }), /a Set at `Statement`/, "Set of statements");
  // A lone surrogate in JSON text would become U+FFFD on the way to the core.
  const lone = JSON.stringify(base).replace("b/k", "b/\ud800");
  assert.ok(!lone.isWellFormed());
  invalid(set.decide(lone), /lone UTF-16 surrogate at code unit \d+/, "lone surrogate in text");
  invalid(w.parse(JSON.stringify(ip).replace("s3:GetObject", "s3:Get\ud800")), /lone UTF-16 surrogate/, "policy text");
  // The same request as an object is the core's located JSON error (JSON.stringify escapes it).
  const asObject = set.decide({ ...base, resource: "arn:aws:s3:::b/\ud800" });
  assert.equal(asObject.ok, false);
  // One context key in two letter cases: AWS's keys are case-insensitive, so one of the values
  // would be lost; refused with its location, whether a decision reads the key or not.
  for (const ctx of [{ "aws:SourceIp": "203.0.113.7", "AWS:SOURCEIP": "198.51.100.1" }, { "x:y": "1", "X:Y": "2" }]) {
    const r = set.decide({ ...base, context: ctx });
    assert.equal(r.ok, false, JSON.stringify(ctx));
    assert.match(r.errors[0].message, /another letter case/);
    assert.match(r.errors[0].location.path, /^\/context\//);
  }
  // A Date has toJSON: written as its ISO text, as documented.
  assert.equal(typeof set.decide({ ...base, context: { "aws:CurrentTime": new Date(0) } }), "string");
});

test("a getter that throws is a failure, and later requests still take the fast path", () => {
  const set = w.PolicySet.compile({ identity: [allowGet] }).set;
  const throwing = { principal: alice, get action() { throw new Error("boom"); } };
  for (const r of [set.decide(throwing), set.evaluate(throwing), w.PreparedRequest.read(throwing)]) {
    assert.equal(r.ok, false);
    assert.match(r.errors[0].message, /boom/);
  }
  // The fast path reads the getter once, refuses the Date (which it leaves to the JSON path,
  // where it becomes text), and the JSON path reads it again: two reads. Were the fast path out
  // of use, the JSON path alone would read it once.
  let reads = 0;
  const counted = {
    principal: alice, resource: "arn:aws:s3:::bucket/k", context: { "app:When": new Date(0) },
    get action() { reads++; return "s3:GetObject"; },
  };
  assert.equal(set.decide(counted), "allow");
  assert.equal(reads, 2);
  // A request the fast path takes reads it once.
  const plain = { principal: alice, resource: "arn:aws:s3:::bucket/k", context: {} };
  Object.defineProperty(plain, "action", { enumerable: true, get() { reads++; return "s3:GetObject"; } });
  reads = 0;
  assert.equal(set.decide(plain), "allow");
  assert.equal(reads, 1);
});

test("a compiled set decides and explains", () => {
  const c = w.PolicySet.compile({ identity: [allowGet] });
  assert.equal(c.ok, true);
  const set = c.set;
  assert.deepEqual(set.layers(), ["identity"]);
  const req = { principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/k" };
  assert.equal(set.decide(req), "allow");
  assert.equal(set.decide({ ...req, action: "s3:PutObject" }), "implicitDeny");
  const r = set.evaluate(req);
  assert.equal(r.ok, true);
  assert.equal(r.result.decision, "allow");
  assert.deepEqual(r.result.decisive.map((d) => [d.layer, d.statementIndex]), [["identity", 0]]);
  const many = set.evaluateMany([req, JSON.stringify({ ...req, resource: "arn:aws:s3:::other/k" })]);
  assert.deepEqual(many.map((m) => m.result.decision), ["allow", "implicitDeny"]);
  set.free();
});

test("bad requests and policies are returned as failures", () => {
  const set = w.PolicySet.compile({ identity: [allowGet] }).set;
  const noAction = set.evaluate({ principal: alice });
  assert.equal(noAction.ok, false);
  assert.match(noAction.errors[0].message, /action/);
  assert.equal(set.decide({ action: "s3:GetObject", context: { k: { nested: 1 } } }).ok, false);
  const cyclic = {};
  cyclic.self = cyclic;
  assert.equal(set.evaluate(cyclic).ok, false);
  const badPolicy = w.PolicySet.compile({ identity: [{ Version: "2012-10-17", Statement: { Effect: "Maybe" } }] });
  assert.equal(badPolicy.ok, false);
  assert.ok(badPolicy.errors[0].location.path.startsWith("/identity/0"));
});

test("an unknown condition operator never allows", () => {
  const p = {
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringLikeish: { "aws:username": "a" } } },
  };
  const c = w.PolicySet.compile({ identity: [p] });
  if (c.ok) {
    assert.notEqual(c.set.decide({ principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::b/k" }), "allow");
  } else {
    assert.ok(c.errors[0].location.path.includes("Condition"));
  }
});

test("now sets aws:CurrentTime when the request has none", () => {
  const p = {
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { DateLessThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } },
  };
  const set = w.PolicySet.compile({ identity: [p] }).set;
  const req = { principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::b/k" };
  assert.equal(set.decide(req, Date.parse("2019-06-01T00:00:00Z") / 1000), "allow");
  assert.equal(set.decide(req), "implicitDeny");
});

test("a prepared request decides like a plain one", () => {
  const set = w.PolicySet.compile({ identity: [allowGet] }).set;
  const good = w.PreparedRequest.read({ principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/k" });
  assert.equal(good.ok, true);
  assert.equal(set.decidePrepared(good.request), "allow");
  const other = w.PreparedRequest.read(JSON.stringify({ action: "s3:GetObject", resource: "arn:aws:s3:::elsewhere/k" }));
  assert.equal(set.decidePrepared(other.request), "implicitDeny");
  assert.equal(w.PreparedRequest.read({ action: "s3:*" }).ok, false);
  // The benchmarks' baseline answers "allow" without deciding, and leaves the request usable.
  assert.equal(set.noopPrepared(other.request), "allow");
  assert.equal(set.decidePrepared(other.request), "implicitDeny");
});

test("severities are the documented names", () => {
  const names = new Set(["error", "security-warning", "warning", "suggestion"]);
  const wide = { Version: "2012-10-17", Statement: [
    { Effect: "Allow", Action: "*", Resource: "*" },
    { Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
  ] };
  const found = w.check(wide).findings;
  assert.ok(found.length > 0);
  for (const f of found) assert.ok(names.has(f.severity), f.severity);
});

test("policies given as text are located in their own text; context keys are typed", () => {
  const text = '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow", "Action": "s3:GetObject",\n' +
    '    "Resource": "arn:aws:s3:::home/${aws:username}/*",\n' +
    '    "Condition": {"Bool": {"aws:SecureTransport": "true"}, "NumericLessThan": {"my:Count": "3"}}\n  }]\n}';
  const c = w.PolicySet.compile({ identity: [text] });
  assert.equal(c.ok, true);
  assert.deepEqual(c.set.contextKeys(), [
    { name: "aws:username", type: "string", multivalued: false, inCatalog: true },
    { name: "aws:SecureTransport", type: "bool", multivalued: false, inCatalog: true },
    { name: "my:Count", type: "numeric", multivalued: false, inCatalog: false },
  ]);
  const req = {
    principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::home/alice/a.txt",
    context: { "aws:username": "alice", "aws:SecureTransport": true, "my:Count": 2 },
  };
  const r = c.set.evaluate(req);
  assert.equal(r.result.decision, "allow");
  assert.equal(r.result.decisive[0].location.start.line, 3);
  const bad = w.PolicySet.compile({ resource: '{\n "Statement": 3\n}' });
  assert.equal(bad.ok, false);
  assert.ok(bad.errors[0].location.path.startsWith("/resource"));
  assert.equal(bad.errors[0].location.start.line, 2);
});

test("every corpus case gets its expected decision, and request objects (fast path) and JSON text (the core's reader) agree", async () => {
  const { readFileSync, readdirSync } = await import("node:fs");
  const dir = new URL("../../corpus/conformance/", import.meta.url);
  let n = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    for (const c of JSON.parse(readFileSync(new URL(file, dir), "utf8")).cases) {
      const compiled = w.PolicySet.compile(c.policies);
      assert.equal(compiled.ok, true, `${file}: ${c.name}: ${JSON.stringify(compiled.errors)}`);
      const set = compiled.set;
      const asText = JSON.stringify(c.request);
      // The expected decision (tests/conformance checks the rest of `expect` in every language).
      assert.equal(set.decide(c.request, 1.8e9), c.expect.decision, `${file}: ${c.name}`);
      assert.equal(set.decide(c.request, 1.8e9), set.decide(asText, 1.8e9), `${file}: ${c.name}`);
      assert.deepEqual(set.evaluate(c.request, true, 1.8e9), set.evaluate(asText, true, 1.8e9), `${file}: ${c.name}`);
      const prepared = w.PreparedRequest.read(c.request, 1.8e9);
      assert.equal(set.decidePrepared(prepared.request), set.decide(asText, 1.8e9));
      prepared.request.free();
      set.free();
      n++;
    }
  }
  assert.ok(n > 300, `${n} cases`);
});

/**
 * Whether JSON.stringify would drop, change or null something of `v` (iam-wasm then refuses it,
 * `js/json.js`): functions, symbols, BigInts, non-finite numbers, `undefined` in a list, objects
 * that are not plain (a Map; one that inherits fields) unless they have `toJSON` (a Date).
 */
function jsonLoses(v, inList = false) {
  if (v === undefined) return inList;
  if (typeof v === "function" || typeof v === "symbol" || typeof v === "bigint") return true;
  if (typeof v === "number") return !Number.isFinite(v);
  if (v === null || typeof v !== "object" || typeof v.toJSON === "function") return false;
  if (Array.isArray(v)) return v.some((x) => jsonLoses(x, true));
  const p = Object.getPrototypeOf(v);
  if (p !== Object.prototype && p !== null) return true;
  return Object.values(v).some((x) => jsonLoses(x));
}

/** The same answer for a request object and its JSON text, or, where JSON would lose something
 * of the object, a failure that says so. */
function sameAsText(set, req, label) {
  const text = JSON.stringify(req);
  if (jsonLoses(req)) {
    for (const r of [set.decide(req, 1.8e9), set.evaluate(req, true, 1.8e9)]) {
      assert.equal(r.ok, false, label);
      assert.equal(r.errors[0].code, "INVALID_ARGUMENT", label);
    }
    return;
  }
  assert.deepEqual(set.decide(req, 1.8e9), set.decide(text, 1.8e9), label);
  assert.deepEqual(set.evaluate(req, true, 1.8e9), set.evaluate(text, true, 1.8e9), label);
}

test("unusual request objects answer exactly as their JSON text does", () => {
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: { StringEquals: { "app:Team": "a" } } },
      { Effect: "Allow", Action: "s3:PutObject", Resource: "*", Condition: { NumericLessThan: { "app:N": "10" } } },
      { Effect: "Deny", Action: "*", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "app:Tags": ["bad"] } } },
    ],
  };
  const set = w.PolicySet.compile({ identity: [policy] }).set;
  const base = { principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::b/k" };
  const inherited = Object.create({ action: "s3:GetObject" });
  inherited.principal = alice;
  const cases = [
    base,
    { ...base, context: { "app:Team": "a" } },
    { ...base, context: { "APP:TEAM": "a" } },
    { ...base, context: { "app:Team": "a", "app:team": "b" } },
    { ...base, context: { "app:Team": "a\u0000b" } },
    { ...base, resource: "arn:aws:s3:::b/k\u0000x", context: { "app:Team": "a" } },
    // NULs, which once separated the texts of the fast path's form (lengths do now).
    { ...base, context: { "app:Team": "a\u0000app:Team\u0000sa" } },
    { ...base, context: { "app:Team": "b", "x\u0000sa\u0000app:Team": "a" } },
    { ...base, principal: `${alice}\u0000s3:GetObject`, action: "s3:GetObject" },
    // With NUL as a separator, every field would shift by one token and still read as a request.
    { principal: `${alice}\u0000s3:GetObject`, action: "+x", wildcardOnlyAction: true },
    { ...base, context: { "app:Team\u0000": "a" } },
    { ...base, context: { "app:Tags": ["ok\u0000sbad"], "app:Team": "a" } },
    { ...base, context: { "app:Team": "\ud800" } },
    { ...base, context: { "app:Team": undefined } },
    { ...base, context: { "app:Team": null } },
    { ...base, context: { "app:Team": ["a"] } },
    { ...base, context: { "app:Team": { nested: 1 } } },
    { ...base, context: { "unread:key": "x", "app:Team": "a" } },
    // One key in two letter cases: refused by both paths, whether a decision reads it or not.
    { ...base, context: { "unread:key": "x", "UNREAD:Key": "y", "app:Team": "a" } },
    { ...base, context: { "UNREAD:Key": "x", "unread:key": "y", "app:Team": "a" } },
    { ...base, context: { "APP:TEAM": "a", "app:team": "a" } },
    { ...base, context: { "unread:key": { bad: 1 }, "app:Team": "a" } },
    { ...base, action: "s3:PutObject", context: { "app:N": 9 } },
    { ...base, action: "s3:PutObject", context: { "app:N": 1e21 } },
    { ...base, action: "s3:PutObject", context: { "app:N": NaN } },
    { ...base, action: "s3:PutObject", context: { "app:N": -0 } },
    { ...base, context: { "app:Team": "a", "app:Tags": ["ok", "bad"] } },
    // The halves of a surrogate pair in two texts, which the fast path joins: each is a lone
    // surrogate, which the JSON path refuses.
    { ...base, context: { "unread:key": ["\ud83d", "\ude00"], "app:Team": "a" } },
    { ...base, context: { "app:Tags": ["\ud83d", "\ude00"], "app:Team": "a" } },
    { ...base, context: { "app:Team": "a", "unread:\ud83d": "\ude00" } },
    { ...base, context: { "app:Team\ud83d": "\ude00" } },
    { ...base, resource: ["arn:aws:s3:::b/k\ud83d", "\ude00"] },
    { ...base, context: { "app:Team": "a", "app:Tags": ["😀", "é", "ok"] } },
    { ...base, context: { "app:Team": "a", "app:Tags": [] } },
    { ...base, context: { "app:Team": "a", "app:Tags": [true, 3] } },
    { ...base, resources: ["arn:aws:s3:::b/1", "arn:aws:s3:::c/2"], resource: undefined },
    { ...base, resource: ["arn:aws:s3:::b/1"] },
    { ...base, resource: 3 },
    { ...base, principal: "" },
    { ...base, principal: 42 },
    { ...base, principal: "not a principal" },
    { ...base, principal: undefined },
    { ...base, action: "s3:Get*" },
    { ...base, action: undefined },
    { ...base, name: "labelled" },
    { ...base, name: 7 },
    { ...base, unknown: 1 },
    { ...base, resourceAccount: "222233334444" },
    { ...base, principalAccount: "" },
    { ...base, wildcardOnlyAction: true },
    { ...base, principal: "arn:aws:sts::111122223333:federated-user/bob", federatingUser: alice },
    { ...base, federatingUser: "" },
    { ...base, federatingUser: 5 },
    { ...base, wildcardOnlyAction: "yes" },
    inherited,
    [],
  ];
  for (const req of cases) {
    sameAsText(set, req, `${JSON.stringify(req)} ${String(req?.context?.["app:Team"])}`);
  }
  // Those JSON would change are among them.
  assert.ok(cases.filter((r) => jsonLoses(r)).length >= 2);
});

test("requests larger than the fast path's areas are read after they grow", () => {
  // 300 keys (more head slots than the 256 the area starts with), a 6,000-character value (more
  // text than its 4,096 bytes) and non-ASCII text: the areas grow, and the answers are the JSON
  // path's.
  const policy = {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow", Action: "s3:GetObject", Resource: "*",
      Condition: { StringEquals: { "app:k299": "v299", "app:Long": "é".repeat(3000) + "😀".repeat(1500) } },
    }],
  };
  const set = w.PolicySet.compile({ identity: [policy] }).set;
  const context = {};
  for (let i = 0; i < 300; i++) context[`app:k${i}`] = `v${i}`;
  context["app:Long"] = "é".repeat(3000) + "😀".repeat(1500);
  context["app:List"] = Array.from({ length: 100 }, (_, i) => `x${i}`);
  const req = { principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context };
  const wrong = { ...req, context: { ...context, "app:k299": "v298" } };
  // The fast path reads the object once, or twice when it had to grow its areas first; the JSON
  // path would read it once more.
  let reads = 0;
  const counted = { ...req };
  Object.defineProperty(counted, "action", { enumerable: true, get() { reads++; return "s3:GetObject"; } });
  assert.equal(w.PreparedRequest.read(counted, 1.8e9).ok, true);
  assert.ok(reads === 1 || reads === 2, `${reads} reads`);
  reads = 0;
  assert.equal(set.decide(counted, 1.8e9), "allow");
  assert.equal(reads, 1);
  for (let round = 0; round < 2; round++) {
    for (const [r, decision] of [[req, "allow"], [wrong, "implicitDeny"]]) {
      assert.equal(set.decide(r, 1.8e9), decision);
      assert.equal(set.decide(JSON.stringify(r), 1.8e9), decision);
      // Read without the set's keys: every key is handed over.
      const p = w.PreparedRequest.read(r, 1.8e9);
      assert.equal(p.ok, true);
      assert.equal(set.decidePrepared(p.request), decision);
      assert.deepEqual(set.evaluate(r, true, 1.8e9), set.evaluate(JSON.stringify(r), true, 1.8e9));
    }
  }
  // A small request still takes the fast path afterwards.
  assert.equal(set.decide({ ...req, context: { "app:k299": "v299", "app:Long": context["app:Long"] } }, 1.8e9), "allow");
});

test("an enumerable property on Object.prototype does not reach the fast path", () => {
  // for…in would visit it, JSON.stringify does not: while it exists, objects take the JSON path.
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
      { Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::elsewhere/*" },
    ],
  };
  const set = w.PolicySet.compile({ identity: [policy] }).set;
  const req = { principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/k" };
  assert.equal(set.decide(req), "allow");
  Object.prototype.resource = "arn:aws:s3:::elsewhere/k";
  try {
    // No resource of its own: evaluated against `*`, as its JSON text is.
    assert.equal(set.decide({ principal: alice, action: "s3:GetObject" }), "allow");
    assert.equal(set.decide(req), "allow");
    assert.deepEqual(set.evaluate(req, true), set.evaluate(JSON.stringify(req), true));
  } finally {
    delete Object.prototype.resource;
  }
  assert.equal(set.decide(req), "allow");
});

test("random request objects answer exactly as their JSON text does", () => {
  // A seeded generator (xorshift), so a failure names a reproducible case.
  let seed = 0x2545f491;
  const rand = (n) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const pick = (xs) => xs[rand(xs.length)];
  const pieces = ["a", "B", "é", ":", "/", "*", "\u0000", "\ud800", "😀", "l1", "s", "+", "0", "9", " ", "\n"];
  const junk = () => Array.from({ length: rand(5) }, () => pick(pieces)).join("");
  const keys = ["app:Team", "APP:team", "app:N", "app:Tags", "aws:SourceIp", "aws:PrincipalTag/team", "unread:x"];
  const value = () =>
    pick([
      () => pick(["a", "b", "bad", "ok", "203.0.113.9", "10", "true"]),
      () => junk(),
      () => rand(20) - 5,
      () => pick([true, false, 1.5, NaN, null, undefined, 1e21]),
      () => Array.from({ length: rand(3) }, () => pick(["ok", "bad", junk(), 3, true])),
      () => ({ nested: 1 }),
    ])();
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: { StringEquals: { "app:Team": "a" } } },
      { Effect: "Allow", Action: "s3:PutObject", Resource: "*", Condition: { NumericLessThan: { "app:N": "10" } } },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } },
      { Effect: "Deny", Action: "*", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "app:Tags": ["bad"] } } },
    ],
  };
  const set = w.PolicySet.compile({ identity: [policy] }).set;
  for (let i = 0; i < 3000; i++) {
    const req = {};
    if (rand(8)) req.principal = pick([alice, "anonymous", "111122223333", junk(), 5]);
    if (rand(10)) req.action = pick(["s3:GetObject", "s3:PutObject", "s3:ListBucket", "S3:getobject", junk()]);
    if (rand(3)) req.resource = pick(["arn:aws:s3:::b/k", "*", junk(), ["arn:aws:s3:::b/1", junk()], 7]);
    if (rand(2)) {
      req.context = {};
      for (let k = rand(5); k > 0; k--) req.context[pick([...keys, junk()])] = value();
    }
    if (!rand(6)) req[pick(["resourceAccount", "principalAccount", "federatingUser", "wildcardOnlyAction", "name", "extra"])] = pick([junk(), "222233334444", true, 3]);
    const text = JSON.stringify(req);
    sameAsText(set, req, `case ${i}: ${text}`);
  }
});

test("context keys are matched ignoring ASCII case only, as the core does", () => {
  // A key with a non-ASCII letter: JS's toLowerCase would also lower-case the É, the core does
  // not, so the fast path must not drop `APP:Équipe` as irrelevant.
  const policy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "app:Équipe": "a" } } }],
  };
  const set = w.PolicySet.compile({ identity: [policy] }).set;
  const expected = { "app:Équipe": "allow", "APP:Équipe": "allow", "App:ÉQUIPE": "allow", "app:équipe": "implicitDeny", "APP:éQUIPE": "implicitDeny" };
  // Twice: the second round answers from the remembered keys.
  for (let round = 0; round < 2; round++) {
    for (const [key, decision] of Object.entries(expected)) {
      const req = { principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: { [key]: "a" } };
      assert.equal(set.decide(req, 1.8e9), decision, key);
      assert.equal(set.decide(JSON.stringify(req), 1.8e9), decision, key);
    }
  }
});

test("a request object whose getters call back into the module still answers", () => {
  const set = w.PolicySet.compile({ identity: [allowGet] }).set;
  let inner = null;
  const req = {
    principal: alice,
    get action() {
      inner = set.decide({ principal: alice, action: "s3:PutObject", resource: "arn:aws:s3:::bucket/k" });
      return "s3:GetObject";
    },
    resource: "arn:aws:s3:::bucket/k",
  };
  assert.equal(set.decide(req), "allow");
  assert.equal(inner, "implicitDeny");
  assert.equal(set.evaluate(req).result.decision, "allow");
});

test("the README's simulation file compiles and its request is allowed", async () => {
  const { readFileSync } = await import("node:fs");
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const file = JSON.parse(readme.split("### Simulation files")[1].match(/```json\n([\s\S]*?)```/)[1]);
  const compiled = w.PolicySet.compile(file.policies);
  assert.equal(compiled.ok, true, JSON.stringify(compiled.errors));
  assert.deepEqual(compiled.set.layers(), ["identity", "resource", "permissionsBoundary", "session", "scp[0]", "rcp[0]"]);
  assert.equal(compiled.set.decide(file.requests[0], 1.8e9), "allow");
});

test("the README's WebAssembly example answers what its comments say", async () => {
  const { readFileSync } = await import("node:fs");
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const block = readme.split("\n## WebAssembly\n")[1].match(/```js\n([\s\S]*?)```/)[1];
  // Statements run in order; one whose line ends in `// "word"` is checked to answer that word.
  let code = "";
  let statement = "";
  let checked = 0;
  for (const line of block.split("\n")) {
    statement += line + "\n";
    const open = (s) => (s.match(/[({[]/g) || []).length - (s.match(/[)}\]]/g) || []).length;
    // Brackets outside comments and string literals (`iam.parse("{")`).
    const codeOf = (l) => l.split("//")[0].replace(/"[^"]*"/g, '""');
    const depth = statement.split("\n").reduce((n, l) => n + open(codeOf(l)), 0);
    if (depth > 0) continue;
    const m = statement.match(/^([\s\S]*?);\s*\/\/ "([A-Za-z]+)"/);
    if (m) checked++;
    code += m ? `check(${m[1].trim()}, ${JSON.stringify(m[2])});\n` : statement;
    statement = "";
  }
  assert.ok(checked >= 2, `${checked} checked statements`);
  const check = (got, want) => assert.equal(got, want);
  const requireFromRoot = (path) => require(new URL(`../../${path}`, import.meta.url).pathname);
  new Function("require", "check", code)(requireFromRoot, check);
});
