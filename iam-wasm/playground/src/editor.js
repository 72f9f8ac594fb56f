// The policy editor: CodeMirror 6 with JSON highlighting, lint markers from the engine's
// diagnostics, and highlights on the statements that decided the request.
import { EditorState, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration, EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, keymap, lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, defaultHighlightStyle, foldGutter, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { lintGutter, setDiagnostics } from "@codemirror/lint";

/** A document offset (UTF-16 units, as CodeMirror counts) from an engine position. */
export function offsetOf(doc, position) {
  const line = doc.line(Math.min(Math.max(position.line, 1), doc.lines));
  return Math.min(line.from + Math.max(position.columnUtf16 - 1, 0), line.to);
}

/** `{from, to}` in `doc` for an engine location. */
export function rangeOf(doc, location) {
  const from = offsetOf(doc, location.start);
  const to = Math.max(offsetOf(doc, location.end), from);
  return { from, to };
}

const SEVERITY = { error: "error", "security-warning": "warning", warning: "warning", suggestion: "info" };

/** CodeMirror diagnostics for the engine's diagnostics of one policy. */
export function toCmDiagnostics(doc, diagnostics) {
  return diagnostics
    .filter((d) => d.location)
    .map((d) => {
      const { from, to } = rangeOf(doc, d.location);
      return {
        from,
        to,
        severity: SEVERITY[d.severity] ?? "error",
        source: d.code,
        message: d.message,
        markClass: `cm-finding-${d.severity}`,
        renderMessage: () => {
          const el = document.createElement("div");
          const head = document.createElement("div");
          head.textContent = `${d.severity} ${d.code}: ${d.message}`;
          el.append(head);
          if (d.help) {
            const help = document.createElement("div");
            help.className = "help";
            help.textContent = d.help;
            el.append(help);
          }
          return el;
        },
      };
    });
}

const setDecisive = StateEffect.define();

/** Highlights of the decisive statements (`[{from, to, effect}]`), kept through edits. */
const decisiveField = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    let v = value.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setDecisive)) continue;
      const ranges = [];
      for (const r of e.value) {
        const kind = r.effect === "Deny" ? "deny" : "allow";
        if (r.to > r.from) ranges.push(Decoration.mark({ class: `cm-decisive cm-decisive-${kind}` }).range(r.from, r.to));
        ranges.push(Decoration.line({ class: `cm-decisive-line-${kind}` }).range(tr.state.doc.lineAt(r.from).from));
      }
      v = Decoration.set(ranges, true);
    }
    return v;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** A fresh editor state holding `text`; `onChange` runs after every edit. */
export function newState(text, onChange) {
  return EditorState.create({
    doc: text,
    extensions: [
      lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(), foldGutter(),
      drawSelection(), indentOnInput(), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      bracketMatching(), closeBrackets(), highlightActiveLine(), highlightSelectionMatches(),
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, indentWithTab]),
      json(), lintGutter(), decisiveField, EditorState.tabSize.of(2),
      EditorView.updateListener.of((u) => { if (u.docChanged) onChange(); }),
    ],
  });
}

/** Shows `diagnostics` (the engine's) and `decisive` statement ranges in `view`. */
export function showAnalysis(view, diagnostics, decisive) {
  const doc = view.state.doc;
  view.dispatch(setDiagnostics(view.state, toCmDiagnostics(doc, diagnostics)));
  const ranges = decisive.map((d) => ({ ...rangeOf(doc, d.location), effect: d.effect }));
  view.dispatch({ effects: setDecisive.of(ranges) });
}

/** Selects `location` in `view`, scrolls to it and focuses the editor. */
export function reveal(view, location) {
  const { from, to } = rangeOf(view.state.doc, location);
  view.dispatch({ selection: { anchor: from, head: to }, effects: EditorView.scrollIntoView(from, { y: "center" }) });
  view.focus();
}
