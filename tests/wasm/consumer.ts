// Type-checks the package's TypeScript declarations as a consumer would use them
// (`tsc --noEmit -p tests/wasm`); never run.
import * as iam from "../../iam-wasm/pkg/web/iam_wasm.js";

export function demo(policyText: string): string[] {
  const parsed: iam.Parsed = iam.parse(policyText);
  if (!parsed.ok) {
    return parsed.errors.map((e: iam.Diagnostic) => `${e.location?.start.line}:${e.location?.start.columnUtf16} ${e.message}`);
  }
  const findings = iam.check(policyText, "identity");
  // The policy type is optional: `identity` by default.
  const defaults = [iam.check(policyText), iam.lint(policyText), iam.validate(policyText)];
  if (defaults.some((f) => !f.ok)) return [];
  const lines: string[] = findings.ok ? findings.findings.map((f) => `${f.severity} ${f.code}`) : [];
  const compiled = iam.PolicySet.compile({ identity: [policyText], scps: [[JSON.parse(policyText)]] });
  if (compiled.ok) {
    const request: iam.RequestInput = { principal: "arn:aws:iam::111122223333:user/alice", action: "s3:GetObject" };
    const d: iam.Decision | iam.Failure = compiled.set.decide(request);
    const r = compiled.set.evaluate(request, true);
    const plain = compiled.set.evaluate(request); // trace and now are optional
    if (plain.ok) lines.push(plain.result.decision);
    if (r.ok) lines.push(r.result.decision);
    if (typeof d === "string") lines.push(d);
    const many = compiled.set.evaluateMany([request]);
    if (Array.isArray(many)) for (const e of many) if (e.ok) lines.push(e.result.decision);
    const keys: iam.ContextKey[] = compiled.set.contextKeys();
    for (const k of keys) lines.push(`${k.name}: ${k.type}${k.multivalued ? "[]" : ""}`);
    compiled.set.free();
  }
  const expanded = iam.expand("s3:Get*");
  // A failure only for a pattern that is not a string.
  if (Array.isArray(expanded)) for (const a of expanded) lines.push(`${a.action} ${a.accessLevel}`);
  lines.push(iam.version(), iam.catalogDate());
  return lines;
}
