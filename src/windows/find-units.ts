import type { Node } from "web-tree-sitter";

/**
 * A span of whole lines that is reviewed together: a function (decorators included), a class,
 * or a run of module-level statements. Rows are 0-based, inclusive.
 */
export interface Unit {
  start: number;
  end: number;
  /** Signature rows (decorators, `def …:` up to the body) repeated at the top of each chunk. */
  header: number[];
}

/** What the window cutter needs to know about a parsed file. */
export interface FileUnits {
  /** Rows of module-level import statements (including those nested in top-level `if`/`try`). */
  importRows: number[];
  /** The unit each row belongs to (same object for rows of the same unit). */
  unitOfRow: Unit[];
}

const DEFINITIONS = new Set(["function_definition", "class_definition", "decorated_definition"]);
const IMPORTS = new Set(["import_statement", "import_from_statement", "future_import_statement"]);
/** Statements whose bodies still run at import time, where guarded imports live. */
const IMPORT_CONTAINERS = new Set([
  "if_statement", "elif_clause", "else_clause", "try_statement", "except_clause",
  "except_group_clause", "finally_clause", "with_statement", "block",
]);

/** Last row a node occupies (a node ending at column 0 ends on the row before). */
function lastRow(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

/**
 * Assigns every row of a file to the innermost enclosing function, else the innermost class,
 * else the run of module-level statements around it. Blank rows outside any function or
 * statement run join the unit of the nearest non-blank row above (below, at the top of the file).
 */
export function findUnits(root: Node, lines: readonly string[]): FileUnits {
  const rowCount = lines.length;
  const fnOwner: (Unit | undefined)[] = new Array(rowCount);
  const classOwner: (Unit | undefined)[] = new Array(rowCount);
  const segmentOwner: (Unit | undefined)[] = new Array(rowCount);

  // Paint outer definitions first so inner ones overwrite them: each row ends up with the
  // innermost definition that contains it.
  const defs = root
    .descendantsOfType(["function_definition", "class_definition"])
    .map((node) => ({ node, unit: definitionUnit(node) }))
    .sort((a, b) => b.unit.end - b.unit.start - (a.unit.end - a.unit.start));
  for (const { node, unit } of defs) {
    paint(node.type === "function_definition" ? fnOwner : classOwner, unit, rowCount);
  }

  // Runs of consecutive module-level statements that are not definitions.
  let run: Node[] = [];
  const closeRun = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first && last) {
      paint(segmentOwner, { start: first.startPosition.row, end: lastRow(last), header: [] }, rowCount);
    }
    run = [];
  };
  for (const child of root.children) {
    if (DEFINITIONS.has(child.type)) closeRun();
    else run.push(child);
  }
  closeRun();

  const unitOfRow: (Unit | undefined)[] = new Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const blank = (lines[row] ?? "").trim() === "";
    // A blank row between methods belongs with the method above it, not the class: otherwise
    // every such row would focus a window on the whole class again.
    const owner = fnOwner[row] ?? (blank ? undefined : classOwner[row]) ?? segmentOwner[row];
    if (owner) unitOfRow[row] = owner;
    else if (blank) unitOfRow[row] = undefined; // decided below, from its neighbours
    else unitOfRow[row] = { start: row, end: row, header: [] };
  }
  attachBlankRows(unitOfRow, rowCount);

  return { importRows: importRows(root), unitOfRow: unitOfRow as Unit[] };
}

function definitionUnit(node: Node): Unit {
  // Decorators belong to the definition they decorate.
  const outer = node.parent?.type === "decorated_definition" ? node.parent : node;
  const start = outer.startPosition.row;
  const end = lastRow(node);
  const body = node.childForFieldName("body");
  const bodyRow = body ? body.startPosition.row : end + 1;
  // One-line definitions (`def f(): return 1`) have no separate header: keep just that row.
  const headerEnd = bodyRow > node.startPosition.row ? bodyRow - 1 : node.startPosition.row;
  const header: number[] = [];
  for (let row = start; row <= Math.min(headerEnd, end); row++) header.push(row);
  return { start, end, header };
}

function paint(owner: (Unit | undefined)[], unit: Unit, rowCount: number): void {
  for (let row = Math.max(0, unit.start); row <= Math.min(unit.end, rowCount - 1); row++) owner[row] = unit;
}

function attachBlankRows(unitOfRow: (Unit | undefined)[], rowCount: number): void {
  // An unowned blank row lies right after (or, at the top of the file, right before) the
  // rows of the unit it joins, so growing that unit's range keeps it contiguous.
  let previous: Unit | undefined;
  for (let row = 0; row < rowCount; row++) {
    const unit = unitOfRow[row];
    if (unit) previous = unit;
    else if (previous) {
      unitOfRow[row] = previous;
      previous.end = Math.max(previous.end, row);
    }
  }
  let next: Unit | undefined;
  for (let row = rowCount - 1; row >= 0; row--) {
    const unit = unitOfRow[row];
    if (unit) next = unit;
    else {
      next ??= { start: row, end: row, header: [] }; // a file of blank rows only
      unitOfRow[row] = next;
      next.start = Math.min(next.start, row);
    }
  }
}

function importRows(root: Node): number[] {
  const rows = new Set<number>();
  const visit = (node: Node) => {
    for (const child of node.namedChildren) {
      if (IMPORTS.has(child.type)) {
        for (let row = child.startPosition.row; row <= lastRow(child); row++) rows.add(row);
      } else if (IMPORT_CONTAINERS.has(child.type)) {
        // `try: import x` / `if TYPE_CHECKING: import y` are still module-level imports.
        visit(child);
      }
    }
  };
  visit(root);
  return [...rows].sort((a, b) => a - b);
}
