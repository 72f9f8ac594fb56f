// Writes a request object into WebAssembly memory in a form that iam-wasm reads without JSON:
// the fast path of `decide`, `evaluate` and `PreparedRequest.read` for plain objects.
//
// This only moves data. Whatever is unusual (a field that is not a plain string, number or
// boolean where one is expected, an unknown field, a lone surrogate) makes it answer -1, and
// iam-wasm then takes the JSON path, whose reader (the core's, shared with the CLI and Python)
// accepts or rejects the request with a located message. `keys` (made by `iamKeySet` from a
// policy set's relevant context keys, lower-cased; or null) leaves out context keys no decision
// of that set depends on (`PolicySet::relevant_context_keys`). Both paths give the same answer
// for every request the fast path takes; tests/wasm checks that on the whole corpus.
//
// The form: every text of the request one after another (no separators), as UTF-8 in the text
// area; and in the head area (32-bit integers) the structure and each text's length in UTF-16
// code units, which JS knows without scanning (iam-wasm turns them into byte lengths; for ASCII
// text, the usual case, they are the same). Lengths cut the texts, so any character, NUL
// included, may be in them. The head, in order (-1: absent):
//   principal, action, resourceAccount, principalAccount, federatingUser: lengths or -1;
//   wildcardOnlyAction: 1, 0 or -1;
//   the number of resources, then each resource's length;
//   the number of context keys, then per key: the key's length, then -1 and the value's length
//   for one value, or the number n of values and their n lengths for a list.
// The texts follow the same order: principal, action, the three accounts' and user's, the
// resources, then each key and its values.

let memory = null;
let text = null;
let textPtr = 0;
let head = null;
let headPtr = 0;
const encoder = new TextEncoder();

export function iamSetMemory(m) {
  memory = m;
  text = null;
  head = null;
}

const plain = (o) => {
  const p = Object.getPrototypeOf(o);
  return p === Object.prototype || p === null;
};

/**
 * Whether `Object.prototype` has no enumerable property. `for…in` (which reads plain objects
 * here) would also visit one, `JSON.stringify` would not; so while one exists, every request
 * takes the JSON path.
 */
function cleanPrototype() {
  for (const _ in Object.prototype) return false;
  return true;
}

/** Lower-cases ASCII letters only, as the core compares context keys (`É` keeps its case). */
const asciiLower = (s) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** Whether a string has no lone surrogate (which JSON text cannot carry to the core's reader). */
const wellFormed = (s) => typeof s.isWellFormed === "function" && s.isWellFormed();

/** Keys remembered per set beyond its own: the memo stops growing here. */
const MEMO_LIMIT = 4096;

/**
 * Whether a context key, as written in a request, is one the set's decisions depend on; null
 * for a key with a lone surrogate (which the JSON path refuses).
 */
function wanted(keys, k) {
  let w = keys.get(k);
  if (w === undefined) {
    // The set's own keys are stored lower-cased and `true`; any well-formed spelling is
    // remembered with its answer, which depends only on its lower-cased form.
    if (!wellFormed(k)) return null;
    w = keys.get(asciiLower(k)) === true;
    if (keys.size < MEMO_LIMIT) keys.set(k, w);
  }
  return w;
}

/** Lengths of the context keys left out of the request being read (reused, as above). */
const skippedLengths = [];

/** Whether two keys of `context` that no decision reads are one key in two letter cases. */
function skippedKeysRepeat(context, keys) {
  const seen = new Set();
  for (const k in context) {
    if (context[k] === undefined || wanted(keys, k)) continue;
    const lower = asciiLower(k);
    if (seen.has(lower)) return true;
    seen.add(lower);
  }
  return false;
}

/** The text of a context value JSON would write as a string, number or boolean; or null. */
function scalar(v) {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      // JSON.stringify writes finite numbers as String() does; others are not JSON numbers.
      return Number.isFinite(v) ? String(v) : null;
    case "boolean":
      return v ? "true" : "false";
    default:
      return null;
  }
}

/** A present optional string, `undefined` for an absent one, null for anything else. */
function optional(v) {
  if (v === undefined) return undefined;
  return typeof v === "string" && v !== "" ? v : null;
}

/** Resource lengths of the request being read: the first `resourceCount` (reused: no array
 * per call, and no `length` reset, which costs more than the writes). */
const resourceLengths = [];
let resourceCount = 0;
/** The head slots a request needs beyond `head`'s room; counted when they do not fit. */
let overflow = 0;
/** The head slots the last request read needs in all. */
let headNeed = 0;

/** The length of an optional text, -1 when absent. */
const lengthOf = (v) => (v === undefined ? -1 : v.length);

/** Writes `n` in head slot `i` (counting it in `overflow` when out of room); the next slot. */
function put(i, n) {
  if (i < head.length) head[i] = n;
  else overflow++;
  return i + 1;
}

/**
 * Writes the head of `req` and answers its texts joined (or null for the JSON path). The head
 * is written as far as it fits; `overflow` says how many slots did not.
 */
function flatten(req, keys) {
  if (req === null || typeof req !== "object" || Array.isArray(req) || !plain(req)) return null;
  let principal;
  let action = null;
  let resourceAccount;
  let principalAccount;
  let federatingUser;
  let wildcard = -1;
  let resources = "";
  resourceCount = 0;
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
          resources += v;
          resourceLengths[resourceCount++] = v.length;
        } else if (Array.isArray(v)) {
          for (const r of v) {
            if (typeof r !== "string") return null;
            resources += r;
            resourceLengths[resourceCount++] = r.length;
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
        if (v === true) wildcard = 1;
        else if (v === false) wildcard = 0;
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
  overflow = 0;
  // An absent optional text writes no text and -1 for its length.
  let flat = (principal ?? "") + action + (resourceAccount ?? "") + (principalAccount ?? "") +
    (federatingUser ?? "") + resources;
  let i = put(0, lengthOf(principal));
  i = put(i, action.length);
  i = put(i, lengthOf(resourceAccount));
  i = put(i, lengthOf(principalAccount));
  i = put(i, lengthOf(federatingUser));
  i = put(i, wildcard);
  i = put(i, resourceCount);
  for (let r = 0; r < resourceCount; r++) i = put(i, resourceLengths[r]);
  // The number of keys goes here once known.
  const count = i;
  i = put(i, 0);
  let written = 0;
  let skipped = 0;
  let sameLength = false;
  if (context !== null) {
    for (const k in context) {
      const v = context[k];
      if (v === undefined) continue; // JSON.stringify leaves these out too
      // Keys no decision of the set depends on are checked, then left out. (A key given twice
      // in two letter cases is refused by the JSON path: iam-wasm sends the request there when
      // it meets a repeat among the keys written. Among those left out, only keys of the same
      // length can repeat; they are compared below when there are any.)
      const want = keys === null || wanted(keys, k);
      if (want === null) return null;
      if (!want) {
        for (let j = 0; j < skipped; j++) if (skippedLengths[j] === k.length) sameLength = true;
        skippedLengths[skipped++] = k.length;
      }
      if (Array.isArray(v)) {
        if (!want) {
          // Left out, but still read by the JSON path, which refuses lone surrogates (the key
          // has none: `wanted` checked). Each item on its own: the halves of a pair in two
          // items are two lone surrogates.
          for (const x of v) {
            const s = scalar(x);
            if (s === null || !wellFormed(s)) return null;
          }
          continue;
        }
        // One pass over the items (an array read twice could answer differently), the count
        // written once known. (Halves of a pair in two items join in `flat`; iam-wasm then
        // finds no character boundary where the first item ends and refuses the form.)
        flat += k;
        i = put(i, k.length);
        const items = i;
        i = put(i, 0);
        let n = 0;
        for (const x of v) {
          const s = scalar(x);
          if (s === null) return null;
          flat += s;
          i = put(i, s.length);
          n++;
        }
        if (items < head.length) head[items] = n;
      } else {
        const s = scalar(v);
        if (s === null) return null;
        if (!want) {
          if (!wellFormed(s)) return null;
          continue;
        }
        flat += k + s;
        i = put(i, k.length);
        i = put(i, -1);
        i = put(i, s.length);
      }
      written++;
    }
  }
  if (sameLength && skippedKeysRepeat(context, keys)) return null;
  if (count < head.length) head[count] = written;
  headNeed = i;
  return flat;
}

/**
 * Writes `req`: its texts at `tPtr` (room for `tCap` bytes), its head at `hPtr` (room for `hCap`
 * 32-bit slots). Answers the number of text bytes written; -1 when the request must take the
 * JSON path; or -2 - n when it needs more room: n bytes of text and n / 4 head slots. Never
 * throws.
 */
export function iamWriteRequest(req, keys, tPtr, tCap, hPtr, hCap) {
  try {
    return write(req, keys, tPtr, tCap, hPtr, hCap);
  } catch {
    // A getter threw: the JSON path reads the object again and reports what it throws.
    return -1;
  }
}

function write(req, keys, tPtr, tCap, hPtr, hCap) {
  // The views are kept between calls; they are made again when an area moves or when memory
  // grew (which detaches the old buffer: its views then have length 0). WebAssembly memory is
  // little-endian, as Int32Array is on every platform that runs it.
  if (head === null || headPtr !== hPtr || head.length !== hCap) {
    head = new Int32Array(memory.buffer, hPtr, hCap);
    headPtr = hPtr;
  }
  if (!cleanPrototype()) return -1;
  const flat = flatten(req, keys);
  if (flat === null) return -1;
  const need = Math.max(flat.length * 3, headNeed * 4);
  if (need > tCap || overflow > 0) return -2 - need;
  if (text === null || textPtr !== tPtr || text.length !== tCap) {
    text = new Uint8Array(memory.buffer, tPtr, tCap);
    textPtr = tPtr;
  }
  const { read, written } = encoder.encodeInto(flat, text);
  // More bytes than UTF-16 units: not ASCII, so possibly a lone surrogate, which encodeInto
  // would replace and the JSON path refuses.
  if (read !== flat.length || (written !== read && !wellFormed(flat))) return -1;
  return written;
}

/**
 * The `keys` that `iamWriteRequest` takes, from a set's relevant context keys (lower-cased): a
 * Map from key to whether it is relevant, which also remembers the keys requests spell otherwise.
 */
export function iamKeySet(list) {
  return new Map(list.map((k) => [k, true]));
}
