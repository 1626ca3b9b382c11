import { createRequire } from "node:module";
import { Language, Parser, type Tree } from "web-tree-sitter";

/**
 * The one module that loads tree-sitter. The grammar's wasm is resolved from the installed
 * package (not the working directory), so the app, the worker, the CLI and tests find it
 * wherever they are started.
 */
export interface PythonParser {
  /** Parses source; the caller must `tree.delete()` it (wasm memory is not garbage collected). */
  parse(source: string): Tree;
}

let language: Promise<Language> | undefined;

function loadLanguage(): Promise<Language> {
  language ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve("tree-sitter-python/tree-sitter-python.wasm");
    return Language.load(wasm);
  })();
  return language;
}

/** Creates a Python parser; the grammar is loaded once per process and shared. */
export async function createPythonParser(): Promise<PythonParser> {
  const grammar = await loadLanguage(); // runs Parser.init(), which must precede `new Parser()`
  const parser = new Parser();
  parser.setLanguage(grammar);
  return {
    parse(source) {
      const tree = parser.parse(source);
      // parse() only returns null when a progress callback cancels it; we pass none.
      if (tree === null) throw new Error("tree-sitter returned no tree");
      return tree;
    },
  };
}
