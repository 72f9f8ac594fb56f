// Writes a request object into WebAssembly memory in a flat form that iam-wasm reads without
// JSON: the fast path of `decide`, `evaluate` and `PreparedRequest.read` for plain objects.
//
// This only moves data. Whatever is unusual (a field that is not a plain string, number or
// boolean where one is expected, an unknown field, a NUL character, a lone surrogate) makes it
// answer -1, and iam-wasm then takes the JSON path, whose reader (the core's, shared with the CLI
// and Python) accepts or rejects the request with a located message. `keys` (a Set of a policy
// set's relevant context keys, as written in its policies and lower-cased; or null) leaves out
// context keys no decision of that set depends on (`PolicySet::relevant_context_keys`). Both paths give the same
// answer for every request the fast path takes; tests/wasm checks that on the whole corpus.
//
// The flat form: tokens joined by NUL. `+text` is a present optional field, `` an absent one.
//   principal, action, resourceAccount, principalAccount, federatingUser,
//   wildcardOnlyAction (`1`/`0`/``),
//   the number of resources, each resource,
//   the number of context keys, then per key: the key, and `s<text>` for one value or
//   `l<n>` followed by n `s<text>` tokens for a list.

let memory = null;
let view = null;
let viewPtr = 0;
const encoder = new TextEncoder();

export function iamSetMemory(m) {
  memory = m;
  view = null;
}

const plain = (o) => {
  const p = Object.getPrototypeOf(o);
  return p === Object.prototype || p === null;
};
const clean = (s) => s.indexOf("\0") < 0;

/** ` s<text>` for a context value JSON would write as a string, number or boolean; or null. */
function scalar(v) {
  switch (typeof v) {
    case "string":
      return clean(v) ? "\0s" + v : null;
    case "number":
      // JSON.stringify writes finite numbers as String() does; others are not JSON numbers.
      return Number.isFinite(v) ? "\0s" + v : null;
    case "boolean":
      return v ? "\0strue" : "\0sfalse";
    default:
      return null;
  }
}

/** `+text` for a present optional string, `` for an absent one, null for anything else. */
function optional(v) {
  if (v === undefined) return "";
  return typeof v === "string" && v !== "" && clean(v) ? "+" + v : null;
}

function flatten(req, keys) {
  if (req === null || typeof req !== "object" || Array.isArray(req) || !plain(req)) return null;
  let principal = "";
  let action = null;
  let resourceAccount = "";
  let principalAccount = "";
  let federatingUser = "";
  let wildcard = "";
  let resources = "";
  let count = 0;
  let context = null;
  for (const k in req) {
    const v = req[k];
    switch (k) {
      case "principal":
        if ((principal = optional(v)) === null) return null;
        break;
      case "action":
        if (typeof v !== "string" || !clean(v)) return null;
        action = v;
        break;
      case "resource":
      case "resources":
        if (typeof v === "string") {
          if (!clean(v)) return null;
          resources += "\0" + v;
          count++;
        } else if (Array.isArray(v)) {
          for (const r of v) {
            if (typeof r !== "string" || !clean(r)) return null;
            resources += "\0" + r;
            count++;
          }
        } else if (v !== undefined) {
          return null;
        }
        break;
      case "resourceAccount":
        if ((resourceAccount = optional(v)) === null) return null;
        break;
      case "principalAccount":
        if ((principalAccount = optional(v)) === null) return null;
        break;
      case "federatingUser":
        if ((federatingUser = optional(v)) === null) return null;
        break;
      case "wildcardOnlyAction":
        if (v === true) wildcard = "1";
        else if (v === false) wildcard = "0";
        else if (v !== undefined) return null;
        break;
      case "context":
        if (v === undefined) break;
        if (v === null || typeof v !== "object" || Array.isArray(v) || !plain(v)) return null;
        context = v;
        break;
      case "name":
        if (v !== undefined && typeof v !== "string") return null;
        break;
      default:
        return null;
    }
  }
  if (action === null) return null;
  let entries = "";
  let written = 0;
  if (context !== null) {
    for (const k in context) {
      const v = context[k];
      if (v === undefined) continue; // JSON.stringify leaves these out too
      if (!clean(k)) return null;
      // Keys no decision of the set depends on are checked, then left out.
      const wanted = keys === null || keys.has(k) || keys.has(k.toLowerCase());
      if (Array.isArray(v)) {
        let items = "";
        for (const x of v) {
          const s = scalar(x);
          if (s === null) return null;
          items += s;
        }
        if (!wanted) continue;
        entries += "\0" + k + "\0l" + v.length + items;
      } else {
        const s = scalar(v);
        if (s === null) return null;
        if (!wanted) continue;
        entries += "\0" + k + s;
      }
      written++;
    }
  }
  const flat =
    principal + "\0" + action + "\0" + resourceAccount + "\0" + principalAccount + "\0" +
    federatingUser + "\0" + wildcard +
    "\0" + count + resources + "\0" + written + entries;
  return typeof flat.isWellFormed === "function" && flat.isWellFormed() ? flat : null;
}

/**
 * Writes `req` at `ptr` (room for `cap` bytes). Answers the number of bytes written, -1 when
 * the request must take the JSON path, or -2 - n when it needs n bytes of room.
 */
export function iamWriteRequest(req, keys, ptr, cap) {
  const flat = flatten(req, keys);
  if (flat === null) return -1;
  const need = flat.length * 3;
  if (need > cap) return -2 - need;
  // The view of the scratch area is kept between calls; it is made again when the area moves or
  // when memory grew (which detaches the old buffer: its views then have length 0).
  if (view === null || viewPtr !== ptr || view.length !== cap) {
    view = new Uint8Array(memory.buffer, ptr, cap);
    viewPtr = ptr;
  }
  return encoder.encodeInto(flat, view).written;
}

/** The Set `iamWriteRequest` takes, from a list of keys. */
export function iamKeySet(list) {
  return new Set(list);
}
