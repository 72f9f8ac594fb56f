// The playground page: policy tabs, a request builder, the decision with its explanation, and the
// findings, all recomputed as the user types. Every answer comes from the engine (iam-wasm); this
// file only moves text between the page and the engine.
import init, * as iam from "../../pkg/web/iam_wasm.js";
import { EditorView } from "@codemirror/view";
import examples from "virtual:examples";
import { newState, reveal, showAnalysis } from "./editor.js";
import { decodeState, encodeState } from "./share.js";

/**
 * The kinds of policy tab: the `policies` key the engine reads and the policy type to check it
 * as. `more` names what another tab of the kind adds: several identity policies, and SCP and RCP
 * levels (root first; each tab is one level's policy).
 */
const LAYERS = [
  { id: "identity", label: "Identity", policyType: "identity", more: "identity policy", hint: "An identity-based policy of the caller (user or role); add a tab for each policy attached." },
  { id: "resource", label: "Resource", policyType: "resource", hint: "The resource-based policy: a bucket policy, key policy, role trust policy… It needs a Principal." },
  { id: "permissionsBoundary", label: "Permissions boundary", policyType: "permissions-boundary", hint: "The caller's permissions boundary: the most its identity policies may grant." },
  { id: "session", label: "Session", policyType: "session", hint: "A session policy passed when the role session was created." },
  { id: "scp", label: "SCP", policyType: "scp", more: "SCP level", hint: "A service control policy of the caller's organization: one level, the root first; add a tab for each level below it." },
  { id: "rcp", label: "RCP", policyType: "rcp", more: "RCP level", hint: "A resource control policy of the resource's organization: one level, the root first; add a tab for each level below it." },
];
const kindOf = (key) => key.split("#")[0];
const kind = (key) => LAYERS.find((l) => l.id === kindOf(key));
/** The open tabs, by key: a kind's id for its first tab, `id#2`, `id#3`… for those added. */
let tabs = LAYERS.map((l) => l.id);
/** Tab keys in the order a kind's tabs are numbered (`identity`, `identity#2`, …). */
const sortTabs = (keys) =>
  [...keys].sort((a, b) => {
    const ka = LAYERS.findIndex((l) => l.id === kindOf(a));
    const kb = LAYERS.findIndex((l) => l.id === kindOf(b));
    return ka - kb || Number(a.split("#")[1] ?? 1) - Number(b.split("#")[1] ?? 1);
  });
const isTabKey = (key) =>
  typeof key === "string" && /^[A-Za-z]+(#([2-9]|[1-9][0-9]))?$/.test(key) && kind(key) !== undefined &&
  (!key.includes("#") || kind(key).more !== undefined);
const SEVERITIES = ["error", "security-warning", "warning", "suggestion"];
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

let view;
let active = "identity";
const states = {};
/** Per layer: the text last checked and the engine's diagnostics for it. */
const checked = {};
/** The compiled set and the texts it was compiled from. */
let compiled = { key: null, set: null, errors: [], keys: [], order: {} };
/** Context values typed by the user, by key name, kept while keys come and go. */
let contextValues = {};
let extraKeys = [];
let lastDecisive = [];

const text = (id) => (id === active ? view.state : states[id]).doc.toString();
/** A tab's label: the kind's, numbered from the second tab of a kind on. */
function tabLabel(key) {
  const k = kind(key);
  const n = tabs.filter((t) => kindOf(t) === k.id).indexOf(key);
  if (n <= 0) return k.label;
  return k.id === "identity" ? `${k.label} ${n + 1}` : `${k.label} level ${n + 1}`;
}
/**
 * The tab that holds a policy the engine names by layer (`identity`, `scp[1]`, …) and policy
 * index: the compiled set lists non-empty tabs of a kind in tab order.
 */
function tabOf(layer, policyIndex = 0) {
  const m = /^(scp|rcp)\[(\d+)\]$/.exec(layer);
  if (m) return compiled.order[m[1]]?.[Number(m[2])] ?? m[1];
  if (layer === "identity") return compiled.order.identity?.[policyIndex] ?? "identity";
  return LAYERS.some((l) => l.id === layer) ? layer : "identity";
}
/** What the explanation calls a layer: a tab's label, or the kind's for the identity layer. */
const layerLabel = (layer) => (layer === "identity" ? "Identity" : tabLabel(tabOf(layer)));

// ---- analysis -------------------------------------------------------------------------------

/** Checks every tab whose text changed: parse, validate for its policy type, lint. */
function checkLayers() {
  for (const key of tabs) {
    const t = text(key);
    if (checked[key]?.text === t) continue;
    if (!t.trim()) {
      checked[key] = { text: t, empty: true, parsed: false, invalid: false, diagnostics: [] };
      continue;
    }
    // Validation (what AWS would refuse to attach) and lint (what is too broad or risky) are
    // asked separately, so the banner can say which policies AWS would reject.
    const policyType = kind(key).policyType;
    const v = iam.validate(t, policyType);
    if (!v.ok) {
      checked[key] = { text: t, empty: false, parsed: false, invalid: true, diagnostics: v.errors };
      continue;
    }
    const lint = iam.lint(t, policyType);
    const diagnostics = [...v.findings, ...(lint.ok ? lint.findings : [])].sort(
      (a, b) => (a.location?.span.start ?? 0) - (b.location?.span.start ?? 0),
    );
    const invalid = v.findings.some((d) => d.severity === "error");
    checked[key] = { text: t, empty: false, parsed: true, invalid, diagnostics };
  }
}

/** Compiles the non-empty tabs (as text, so locations are in each tab's text). */
function compile() {
  const present = tabs.filter((key) => !checked[key].empty);
  const key = JSON.stringify(present.map((k) => [k, checked[k].text]));
  if (compiled.key === key) return;
  compiled.set?.free();
  // `order`: per kind with several tabs, the tabs the engine's policy indexes and levels are.
  compiled = { key, set: null, errors: [], keys: [], order: { identity: [], scp: [], rcp: [] } };
  if (present.some((k) => !checked[k].parsed)) return;
  const policies = {};
  for (const k of present) {
    const t = checked[k].text;
    const id = kindOf(k);
    if (id === "identity") (policies.identity ??= []).push(t);
    else if (id === "scp") (policies.scps ??= []).push([t]);
    else if (id === "rcp") (policies.rcps ??= []).push([t]);
    else policies[id] = t;
    compiled.order[id]?.push(k);
  }
  const c = iam.PolicySet.compile(policies);
  if (c.ok) {
    compiled.set = c.set;
    compiled.keys = c.set.contextKeys();
  } else {
    compiled.errors = c.errors;
  }
}

/** A context value as typed in the form: text (the engine reads numbers, dates, booleans and
 * addresses from text itself), or a list of texts for a multivalued key. */
function contextValue(raw, key) {
  if (key.multivalued) return raw.split(",").map((s) => s.trim()).filter(Boolean);
  return raw.trim();
}

function allContextKeys() {
  const known = new Set(compiled.keys.map((k) => k.name.toLowerCase()));
  const extra = extraKeys
    .filter((n) => !known.has(n.toLowerCase()))
    .map((name) => ({ name, type: "string", multivalued: false, inCatalog: false, extra: true }));
  return [...compiled.keys, ...extra];
}

function request() {
  const r = { action: $("action").value.trim() };
  const principal = $("principal").value.trim();
  const resource = $("resource").value.trim();
  if (principal) r.principal = principal;
  if (resource) r.resource = resource;
  for (const id of ["resourceAccount", "principalAccount"]) {
    const v = $(id).value.trim();
    if (v) r[id] = v;
  }
  const wildcard = $("wildcardOnlyAction").value;
  if (wildcard) r.wildcardOnlyAction = wildcard === "true";
  const context = {};
  for (const k of allContextKeys()) {
    const raw = contextValues[k.name] ?? "";
    if (raw.trim() !== "") context[k.name] = contextValue(raw, k);
  }
  if (Object.keys(context).length) r.context = context;
  return r;
}

function run() {
  checkLayers();
  compile();
  renderTabs();
  renderContextKeys();
  renderFindings();
  let result = null;
  let failure = null;
  if (compiled.set) {
    const r = compiled.set.evaluate(request(), true);
    if (r.ok) result = r.result;
    else failure = r.errors;
  }
  renderDecision(result, failure);
  renderExplanation(result);
  lastDecisive = result ? result.decisive : [];
  showActiveAnalysis();
  document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
  saveToUrlSoon();
}

let scheduled = false;
function schedule() {
  // `data-pending` (for tests): a change is waiting for its run, so what the page shows is older.
  document.body.dataset.pending = "true";
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    run();
    delete document.body.dataset.pending;
  }, 0);
}

// ---- rendering ------------------------------------------------------------------------------

function showActiveAnalysis() {
  const decisive = lastDecisive.filter((d) => tabOf(d.layer, d.policyIndex) === active);
  showAnalysis(view, checked[active]?.diagnostics ?? [], decisive);
}

function renderTabs() {
  const buttons = [];
  for (const key of tabs) {
    const c = checked[key];
    const errors = c.diagnostics.filter((d) => d.severity === "error").length;
    const others = c.diagnostics.length - errors;
    const b = el("button", { type: "button", role: "tab", className: c.empty ? "empty" : "", textContent: tabLabel(key) });
    b.dataset.layer = key;
    b.setAttribute("aria-selected", String(key === active));
    if (errors) b.append(el("span", { className: "badge error", textContent: String(errors), title: `${errors} errors` }));
    else if (others) b.append(el("span", { className: "badge warning", textContent: String(others), title: `${others} findings` }));
    b.addEventListener("click", () => switchTab(key));
    buttons.push(b);
    if (key.includes("#")) {
      const close = el("button", { type: "button", className: "close-tab", textContent: "×", title: `Remove ${tabLabel(key)}` });
      close.dataset.close = key;
      close.addEventListener("click", () => removeTab(key));
      buttons.push(close);
    }
    // After the last tab of a kind that can have more: a button that adds one.
    const k = kind(key);
    if (k.more && tabs.filter((t) => kindOf(t) === k.id).at(-1) === key) {
      const add = el("button", { type: "button", className: "add-tab", textContent: "+", title: `Add an ${k.more}` });
      add.dataset.add = k.id;
      add.setAttribute("aria-label", `Add an ${k.more}`);
      add.addEventListener("click", () => addTab(k.id));
      buttons.push(add);
    }
  }
  $("tabs").replaceChildren(...buttons);
  $("layer-hint").textContent = kind(active).hint + " Leave a tab empty to leave that policy out of the decision.";
}

/**
 * Opens another tab of a kind (an identity policy, an SCP or RCP level) after the last one, and
 * shows it. (After the last: SCP and RCP tabs are levels, root first, so a new one never lands
 * between existing levels.)
 */
function addTab(id) {
  const numbers = tabs.filter((t) => kindOf(t) === id).map((t) => Number(t.split("#")[1] ?? 1));
  const n = Math.max(1, ...numbers) + 1;
  if (n > 99) return;
  const key = `${id}#${n}`;
  states[key] = newState("", schedule);
  checked[key] = { text: "", empty: true, parsed: false, invalid: false, diagnostics: [] };
  tabs = sortTabs([...tabs, key]);
  switchTab(key);
  schedule();
}

function removeTab(key) {
  if (active === key) switchTab(kindOf(key));
  tabs = tabs.filter((t) => t !== key);
  delete states[key];
  delete checked[key];
  schedule();
}

function switchTab(id) {
  if (id === active || !tabs.includes(id)) return;
  states[active] = view.state;
  active = id;
  view.setState(states[id]);
  renderTabs();
  showActiveAnalysis();
}

function renderContextKeys() {
  const keys = allContextKeys();
  const box = $("context-keys");
  const signature = JSON.stringify(keys.map((k) => [k.name, k.type, k.multivalued]));
  if (box.dataset.signature === signature) return;
  box.dataset.signature = signature;
  if (!keys.length) {
    box.replaceChildren(el("p", { className: "empty", textContent: "The policies read no context keys." }));
    return;
  }
  box.replaceChildren(
    ...keys.map((k) => {
      let input;
      if (k.type === "bool" && !k.multivalued) {
        input = el("select", {}, ...["", "true", "false"].map((v) => el("option", { value: v, textContent: v || "(absent)" })));
      } else {
        const placeholder = {
          date: "2026-11-28T12:00:00Z", numeric: "0", ipAddress: "203.0.113.7",
          arn: "arn:aws:…", binary: "base64", string: "(absent)",
        }[k.type];
        input = el("input", { placeholder: k.multivalued ? "values, comma-separated" : placeholder, spellcheck: false });
        if (k.type === "numeric") input.inputMode = "decimal";
      }
      input.value = contextValues[k.name] ?? "";
      input.dataset.key = k.name;
      input.setAttribute("aria-label", k.name);
      input.addEventListener("input", () => {
        contextValues[k.name] = input.value;
        schedule();
      });
      const type = `${k.type}${k.multivalued ? " list" : ""}${k.inCatalog ? "" : k.extra ? ", added" : ", not in catalog"}`;
      return el("label", {}, el("span", { textContent: k.name }), input, el("span", { className: "type", textContent: type }));
    }),
  );
}

function where(d) {
  return d.location ? `line ${d.location.start.line}, column ${d.location.start.columnUtf16}` : "";
}

function jumpTo(layer, location) {
  switchTab(layer);
  if (location) reveal(view, location);
}

function renderFindings() {
  const all = [];
  for (const key of tabs) for (const d of checked[key].diagnostics) all.push({ layer: key, d });
  const box = $("findings");
  const parts = [el("h2", { textContent: `Findings (${all.length})` })];
  if (!all.length) parts.push(el("p", { className: "note", textContent: "No errors or findings in the policies." }));
  for (const sev of SEVERITIES) {
    const group = all.filter((f) => f.d.severity === sev);
    if (!group.length) continue;
    parts.push(el("h3", { className: `sev-${sev}`, textContent: `${sev.replace("-", " ")} (${group.length})` }));
    parts.push(
      el("ul", {}, ...group.map(({ layer, d }) => {
        const li = el("li", { title: d.help ?? "" },
          el("span", { className: `code sev-${sev}`, textContent: d.code }), " ",
          el("span", { textContent: d.message }), " ",
          el("span", { className: "where", textContent: `${tabLabel(layer)} · ${where(d)}` }));
        li.dataset.severity = sev;
        li.dataset.layer = layer;
        li.addEventListener("click", () => jumpTo(layer, d.location));
        return li;
      })),
    );
  }
  box.replaceChildren(...parts);
}

function statementName(s) {
  return `${tabLabel(tabOf(s.layer, s.policyIndex))} ${s.sid ? `"${s.sid}"` : `statement ${s.statementIndex + 1}`}`;
}

function renderDecision(result, failure) {
  const box = $("decision");
  const broken = tabs.filter((k) => !checked[k].empty && !checked[k].parsed);
  const errors = tabs.filter((k) => checked[k].parsed && checked[k].invalid);
  let title;
  let why;
  let decision = "none";
  if (broken.length) {
    title = "No decision";
    why = `Fix the errors in the ${broken.map(tabLabel).join(", ")} tab first: a policy that does not parse cannot be evaluated.`;
  } else if (!tabs.some((k) => !checked[k].empty)) {
    title = "No decision";
    why = "Write or paste a policy, or choose an example.";
  } else if (compiled.errors.length) {
    title = "No decision";
    why = compiled.errors.map((e) => e.message).join("; ");
  } else if (failure) {
    title = "No decision";
    why = `The request is incomplete: ${failure.map((e) => e.message).join("; ")}`;
  } else {
    decision = result.decision;
    title = { allow: "Allow", explicitDeny: "Explicit deny", implicitDeny: "Implicit deny" }[decision];
    if (decision === "implicitDeny" && result.refused) {
      why = `AWS refuses this whatever the policies say: ${result.refused}.`;
    } else if (decision === "implicitDeny") {
      why = result.blockedBy
        ? `Nothing in the ${layerLabel(result.blockedBy)} policy allows this request.`
        : "No statement allows this request.";
    } else {
      const verb = decision === "allow" ? "Allowed by" : "Denied by";
      why = `${verb} ${result.decisive.map(statementName).join(", ")}.`;
    }
    if (result.unevaluable.length) {
      why += ` ${result.unevaluable.length} statement(s) could not be evaluated; the engine fails closed (never allows on them).`;
    }
    if (errors.length) {
      why += ` Note: AWS would refuse the ${errors.map(tabLabel).join(", ")} policy as written (see the errors below).`;
    }
  }
  box.dataset.decision = decision;
  box.replaceChildren(el("strong", { textContent: title }), el("div", { className: "why", textContent: why }));
}

const mark = (v) => (v === true ? ["yes", "✓"] : v === false ? ["no", "✗"] : v == null ? ["", "–"] : ["unknown", "?"]);
const cell = (v) => {
  const [cls, t] = mark(v);
  return el("td", { className: cls, textContent: t });
};

function renderExplanation(result) {
  const box = $("explanation");
  if (!result) {
    box.replaceChildren();
    return;
  }
  const parts = [el("h2", { textContent: "Why" })];
  const layers = el("table", {},
    el("tr", {}, ...["Policy", "Allows", "Denies"].map((h) => el("th", { textContent: h }))),
    ...result.layers.map((v) => el("tr", {}, el("td", { textContent: layerLabel(v.layer) }), cell(v.allowed), cell(v.denied))));
  parts.push(layers);
  if (result.missingContextKeys.length) {
    parts.push(el("p", { className: "note", textContent: `Keys the policies read that the request does not give: ${result.missingContextKeys.join(", ")}.` }));
  }
  for (const u of result.unevaluable) {
    parts.push(el("p", { className: "note sev-error", textContent: `${statementName(u.statement)} could not be evaluated: ${u.reason}` }));
  }
  const rows = (result.trace ?? []).map((t) => {
    const conditions = t.conditions.map((c) => `${mark(c.result)[1]} ${c.operator} ${c.key}`).join("\n");
    const tr = el("tr", { className: `jump${t.applies ? " applies" : ""}`, title: "Show in the editor" },
      el("td", { textContent: statementName(t.statement) }),
      el("td", { textContent: t.statement.effect }),
      cell(t.actionMatched), cell(t.resourceMatched), cell(t.principalMatched),
      el("td", { textContent: conditions || "–", style: "white-space: pre-line" }),
      cell(t.applies));
    tr.addEventListener("click", () => jumpTo(tabOf(t.statement.layer, t.statement.policyIndex), t.statement.location));
    return tr;
  });
  parts.push(el("h2", { textContent: "Statements" }));
  parts.push(el("table", { id: "trace" },
    el("tr", {}, ...["Statement", "Effect", "Action", "Resource", "Principal", "Conditions", "Applies"].map((h) => el("th", { textContent: h }))),
    ...rows));
  box.replaceChildren(...parts);
}

// ---- state: examples, share links -----------------------------------------------------------

function snapshot() {
  const policies = {};
  for (const key of tabs) {
    const t = text(key);
    if (t.trim()) policies[key] = t;
  }
  const context = Object.fromEntries(Object.entries(contextValues).filter(([, v]) => v !== ""));
  return {
    v: 1, active, policies, context, extraKeys,
    request: {
      principal: $("principal").value, action: $("action").value, resource: $("resource").value,
      resourceAccount: $("resourceAccount").value, principalAccount: $("principalAccount").value,
      wildcardOnlyAction: $("wildcardOnlyAction").value,
    },
  };
}

function restore(s) {
  // One tab per kind, and the added tabs that hold a policy.
  const added = Object.keys(s.policies ?? {}).filter((k) => isTabKey(k) && k.includes("#"));
  tabs = sortTabs([...LAYERS.map((l) => l.id), ...added]);
  for (const key of Object.keys(states)) delete states[key];
  for (const key of Object.keys(checked)) delete checked[key];
  for (const key of tabs) {
    const t = typeof s.policies?.[key] === "string" ? s.policies[key] : "";
    states[key] = newState(t, schedule);
  }
  active = tabs.includes(s.active) ? s.active : "identity";
  view.setState(states[active]);
  $("principal").value = s.request?.principal ?? "";
  $("action").value = s.request?.action ?? "";
  $("resource").value = s.request?.resource ?? "";
  $("resourceAccount").value = s.request?.resourceAccount ?? "";
  $("principalAccount").value = s.request?.principalAccount ?? "";
  $("wildcardOnlyAction").value = ["true", "false"].includes(String(s.request?.wildcardOnlyAction)) ? String(s.request.wildcardOnlyAction) : "";
  $("more-request").open = Boolean($("resourceAccount").value || $("principalAccount").value || $("wildcardOnlyAction").value);
  contextValues = { ...(s.context ?? {}) };
  extraKeys = Array.isArray(s.extraKeys) ? s.extraKeys.filter((k) => typeof k === "string") : [];
  $("context-keys").dataset.signature = "";
  run();
}

function loadExample(i) {
  const e = examples[i];
  const context = Object.fromEntries(
    Object.entries(e.request.context ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]),
  );
  const first = sortTabs(Object.keys(e.policies).filter(isTabKey))[0] ?? "identity";
  const resource = Array.isArray(e.request.resource) ? e.request.resource[0] : e.request.resource;
  restore({
    active: first, policies: e.policies, context, extraKeys: Object.keys(context),
    request: { ...e.request, principal: e.request.principal ?? "", action: e.request.action ?? "", resource: resource ?? "" },
  });
}

let saveTimer = null;
function saveToUrlSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveToUrl, 300);
}

/** Saves begun so far: only the newest save writes, so a slower older one never wins. */
let saves = 0;
/** Writes the state into the URL and the share box; the link, or `null` if a newer save began. */
async function saveToUrl() {
  const ticket = ++saves;
  const runs = document.body.dataset.runs;
  const fragment = await encodeState(snapshot());
  if (ticket !== saves) return null;
  history.replaceState(null, "", `#${fragment}`);
  $("share-link").value = location.href;
  // `data-saved` (for tests): the run whose state the link holds.
  document.body.dataset.saved = runs;
  return location.href;
}

// ---- action completion ----------------------------------------------------------------------

let services = null;
function updateActionList() {
  const value = $("action").value.trim();
  let options;
  if (!value.includes(":")) {
    services ??= [...new Set(iam.expand("*").map((a) => a.action.split(":")[0]))].sort();
    options = services.filter((s) => s.startsWith(value.toLowerCase())).slice(0, 100).map((s) => [`${s}:`, "service"]);
  } else {
    const pattern = /[*?]/.test(value) ? value : `${value}*`;
    options = iam.expand(pattern).slice(0, 150).map((a) => [a.action, a.accessLevel]);
  }
  $("action-list").replaceChildren(...options.map(([v, label]) => el("option", { value: v, label })));
}

// ---- start ----------------------------------------------------------------------------------

async function main() {
  await init({ module_or_path: new URL("./iam_wasm_bg.wasm", import.meta.url) });
  $("version").textContent = iam.version();
  $("catalog-date").textContent = iam.catalogDate();
  const select = $("examples");
  examples.forEach((e, i) => select.append(el("option", { value: String(i), textContent: e.title })));
  select.addEventListener("change", () => {
    if (select.value !== "") loadExample(Number(select.value));
  });
  for (const id of ["principal", "action", "resource", "resourceAccount", "principalAccount", "wildcardOnlyAction"]) {
    $(id).addEventListener("input", schedule);
  }
  $("request").addEventListener("submit", (e) => e.preventDefault());
  $("action").addEventListener("input", updateActionList);
  $("action").addEventListener("focus", updateActionList);
  $("add-key").addEventListener("click", () => {
    const name = $("extra-key-name").value.trim();
    if (name && !extraKeys.includes(name)) extraKeys.push(name);
    $("extra-key-name").value = "";
    schedule();
  });
  $("share").addEventListener("click", async () => {
    clearTimeout(saveTimer);
    // Emptied first: until this state's link is written, the box must not offer an older one.
    $("share-link").value = "";
    let link = null;
    while (link === null) link = await saveToUrl();
    $("share-link").select();
    try {
      await navigator.clipboard.writeText(link);
      $("share").textContent = "Link copied";
    } catch {
      $("share").textContent = "Link ready (copy it)";
    }
    setTimeout(() => ($("share").textContent = "Copy share link"), 2000);
  });
  view = new EditorView({ parent: $("editor"), state: newState("", schedule) });
  for (const key of tabs) states[key] = newState("", schedule);
  const shared = await decodeState(location.hash);
  if (shared) restore(shared);
  else loadExample(0);
  window.addEventListener("hashchange", async () => {
    const s = await decodeState(location.hash);
    if (s && JSON.stringify(s) !== JSON.stringify(snapshot())) restore(s);
  });
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  $("decision").textContent = `The engine could not start: ${e}`;
});
