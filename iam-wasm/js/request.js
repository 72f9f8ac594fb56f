// Writes a request object into WebAssembly memory in a flat form that iam-wasm reads without
// JSON: the fast path of `decide`, `evaluate` and `PreparedRequest.read` for plain objects.
//
// This only moves data. Whatever is unusual (a field that is not a plain string, number or
// boolean where one is expected, an unknown field, a NUL character, a lone surrogate) makes it
// answer -1 or makes iam-wasm refuse the flat form, and iam-wasm then takes the JSON path, whose
// reader (the core's, shared with the CLI and Python) accepts or rejects the request with a
// located message. `keys` (made by `iamKeySet` from a policy set's relevant context keys,
// lower-cased; or null) leaves out context keys no decision of that set depends on
// (`PolicySet::relevant_context_keys`). Both paths give the same answer for every request the
// fast path takes; tests/wasm checks that on the whole corpus.
//
// The flat form: tokens joined by NUL. `+text` is a present optional field, `` an absent one.
//   the number of NUL separators after this token (a text holding a NUL adds separators, so
//   iam-wasm, which counts them, refuses the form: no per-string check is needed here),
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

/** Lower-cases ASCII letters only, as the core compares context keys (`É` keeps its case). */
const asciiLower = (s) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** Whether a string has no lone surrogate (which JSON text cannot carry to the core's reader). */
const wellFormed = (s) => typeof s.isWellFormed === "function" && s.isWellFormed();

/** Keys remembered per set beyond its own: the memo stops growing here. */
const MEMO_LIMIT = 4096;

/** Whether a context key, as written in a request, is one the set's decisions depend on. */
function wanted(keys, k) {
  let w = keys.get(k);
  if (w === undefined) {
    // The set's own keys are stored lower-cased and `true`; any spelling is remembered with its
    // answer, which depends only on its lower-cased form.
    w = keys.get(asciiLower(k)) === true;
    if (keys.size < MEMO_LIMIT) keys.set(k, w);
  }
  return w;
}

/** ` s<text>` for a context value JSON would write as a string, number or boolean; or null. */
function scalar(v) {
  switch (typeof v) {
    case "string":
      return "\0s" + v;
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
  return typeof v === "string" && v !== "" ? "+" + v : null;
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
        if (typeof v !== "string") return null;
        action = v;
        break;
      case "resource":
      case "resources":
        if (typeof v === "string") {
          resources += "\0" + v;
          count++;
        } else if (Array.isArray(v)) {
          for (const r of v) {
            if (typeof r !== "string") return null;
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
        // A label the decision does not read, but the JSON path reads it.
        if (v !== undefined && (typeof v !== "string" || !wellFormed(v))) return null;
        break;
      default:
        return null;
    }
  }
  if (action === null) return null;
  let entries = "";
  let written = 0;
  // The separators after the leading count: six after the fixed fields, one before each
  // resource and one before the key count, then those the entries add.
  let seps = 7 + count;
  if (context !== null) {
    for (const k in context) {
      const v = context[k];
      if (v === undefined) continue; // JSON.stringify leaves these out too
      // Keys no decision of the set depends on are checked, then left out.
      const want = keys === null || wanted(keys, k);
      if (Array.isArray(v)) {
        let items = "";
        for (const x of v) {
          const s = scalar(x);
          if (s === null) return null;
          items += s;
        }
        if (!want) {
          // Left out, but still read by the JSON path, which refuses lone surrogates.
          if (!wellFormed(k + items)) return null;
          continue;
        }
        entries += "\0" + k + "\0l" + v.length + items;
        seps += 2 + v.length;
      } else {
        const s = scalar(v);
        if (s === null) return null;
        if (!want) {
          if (!wellFormed(k + s)) return null;
          continue;
        }
        entries += "\0" + k + s;
        seps += 2;
      }
      written++;
    }
  }
  const flat =
    seps + "\0" + principal + "\0" + action + "\0" + resourceAccount + "\0" + principalAccount + "\0" +
    federatingUser + "\0" + wildcard +
    "\0" + count + resources + "\0" + written + entries;
  return wellFormed(flat) ? flat : null;
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

/**
 * The `keys` that `iamWriteRequest` takes, from a set's relevant context keys (lower-cased): a
 * Map from key to whether it is relevant, which also remembers the keys requests spell otherwise.
 */
export function iamKeySet(list) {
  return new Map(list.map((k) => [k, true]));
}
