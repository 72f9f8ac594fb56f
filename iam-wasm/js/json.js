// JSON text for iam-wasm's readers, from a string (taken as is) or a plain JS value
// (`JSON.stringify`), refusing what would be lost or changed on the way rather than passing it
// on: the core's JSON reader, which locates every error, can only see what arrives.
//
// - A string with a lone surrogate is not Unicode text: converting it to UTF-8 would put U+FFFD
//   in its place, silently.
// - `JSON.stringify` writes a Map or Set as `{}`, drops functions and symbols and what an object
//   inherits, and writes NaN, Infinity and `undefined` in a list as null. A value with `toJSON` (a Date) is written as that method says.
//
// Answers the text, or `{message}` saying what could not be written and where.

const plain = (o) => {
  const p = Object.getPrototypeOf(o);
  return p === Object.prototype || p === null;
};

/** The first lone surrogate of `s`, as a UTF-16 index; -1 when there is none. */
function loneSurrogate(s) {
  if (typeof s.isWellFormed === "function" && s.isWellFormed()) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

const describe = (v) => {
  switch (typeof v) {
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    case "bigint":
      return "a BigInt";
    case "number":
      return String(v);
    case "undefined":
      return "undefined in a list";
    default:
      return `a ${(v.constructor && v.constructor.name) || "non-plain object"}`;
  }
};

export function iamJsonText(value, what) {
  if (typeof value === "string") {
    const at = loneSurrogate(value);
    if (at < 0) return value;
    return {
      message: `${what}: a lone UTF-16 surrogate at code unit ${at}, which is not Unicode text`,
    };
  }
  let bad = null;
  let text;
  try {
    text = JSON.stringify(value, function (key, v) {
      if (bad !== null) return undefined;
      const t = typeof v;
      // (`undefined` in an object is left out, as absent; in an array it would become null.)
      const lost =
        (t === "undefined" && Array.isArray(this)) ||
        t === "function" ||
        t === "symbol" ||
        t === "bigint" ||
        (t === "number" && !Number.isFinite(v)) ||
        (v !== null && t === "object" && !Array.isArray(v) && !plain(v));
      if (lost) {
        const at = key === "" ? "" : ` at \`${key}\``;
        bad = `${what}: ${describe(v)}${at}, which JSON cannot hold: use plain objects, arrays, strings, finite numbers and booleans`;
        return undefined;
      }
      return v;
    });
  } catch (e) {
    // A getter threw, or the value has a cycle: JSON.stringify says which.
    return { message: `${what} cannot be written as JSON: ${e && e.message ? e.message : e}` };
  }
  if (bad !== null) return { message: bad };
  if (typeof text !== "string") return { message: `${what} cannot be written as JSON` };
  return text;
}
