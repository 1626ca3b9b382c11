import { commentOf, fileSuppression, isFindingSuppressed, isSuppressed } from "../../src/findings/suppressions.js";

test.each([
  ["bare nosec", "cur.execute(q)  # nosec", "CWE-89", true],
  ["nosec without space", "cur.execute(q)  #nosec", "CWE-89", true],
  ["nosec with a Bandit id", "cur.execute(q)  # nosec B608", "CWE-89", true],
  ["nosec with another Bandit id still silences", "os.system(c)  # nosec: B101", "CWE-78", true],
  ["NOSEC upper case", "x = eval(s)  # NOSEC", "CWE-95", true],
  ["nosec after other text", "x = eval(s)  # trusted input, nosec", "CWE-95", true],
  ["ignore all", "x = eval(s)  # cwe-review: ignore", "CWE-95", true],
  ["ignore the same CWE", "cur.execute(q)  # cwe-review: ignore[CWE-89]", "CWE-89", true],
  ["ignore a list", "os.system(c)  # cwe-review: ignore[CWE-89, CWE-78]", "CWE-78", true],
  ["ignore list, lower case ids", "os.system(c)  # cwe-review: ignore[cwe-78]", "CWE-78", true],
  ["ignore a different CWE", "cur.execute(q)  # cwe-review: ignore[CWE-78]", "CWE-89", false],
  ["ignore an empty list", "cur.execute(q)  # cwe-review: ignore[]", "CWE-89", false],
  ["no comment", "cur.execute(q)", "CWE-89", false],
  ["unrelated comment", "cur.execute(q)  # TODO tidy", "CWE-89", false],
  ["word containing nosec", "x = 1  # nosecurity review done", "CWE-89", false],
  ["nosec inside a double-quoted string", 'log("# nosec"); cur.execute(q)', "CWE-89", false],
  ["nosec inside a single-quoted string", "q = 'SELECT 1 -- # nosec' + user", "CWE-89", false],
  ["ignore inside a string", 'q = "# cwe-review: ignore" + user', "CWE-89", false],
  ["escaped quote keeps the string open", 'q = "a \\" # nosec" + user', "CWE-89", false],
  ["triple-quoted on one line", 'q = """ # nosec """ + user', "CWE-89", false],
  ["string with # then a real comment", 'q = "#1: " + user  # nosec', "CWE-89", true],
  ["raw string with backslash-quote", 'p = r"\\"#" + x  # cwe-review: ignore', "CWE-22", true],
  ["f-string", 'q = f"SELECT {x} # nosec"', "CWE-89", false],
])("%s", (_name, line, cwe, expected) => {
  expect(isSuppressed(line, cwe)).toBe(expected);
});

test.each([
  ["x = 1  # note", " note"],
  ["x = '#'", null],
  ["# whole line", " whole line"],
  ["s = '''a''' # c", " c"],
  ["s = 'unterminated # not a comment", null],
])("commentOf(%j)", (line, expected) => {
  expect(commentOf(line)).toBe(expected);
});

describe("file-wide markers", () => {
  const file = (...lines: string[]) => lines;

  test.each([
    ["bare ignore-file silences every CWE", file("# cwe-review: ignore-file", "x = eval(s)"), { line: 2, endLine: 2, cwe: "CWE-95" }, true],
    ["ignore-file with a list silences those CWEs", file("import random", "# cwe-review: ignore-file[CWE-330, cwe-338]", "t = random.random()"), { line: 3, endLine: 3, cwe: "CWE-338" }, true],
    ["ignore-file with a list leaves other CWEs", file("# cwe-review: ignore-file[CWE-330]", "os.system(c)"), { line: 2, endLine: 2, cwe: "CWE-78" }, false],
    ["indented comment-only line counts", file("def f():", "    # cwe-review: ignore-file", "    os.system(c)"), { line: 3, endLine: 3, cwe: "CWE-78" }, true],
    ["a marker after code does not switch off the file", file("os.system(c)  # cwe-review: ignore-file", "cur.execute(q)"), { line: 2, endLine: 2, cwe: "CWE-89" }, false],
    ["a marker inside a string does not switch off the file", file('NOTE = "# cwe-review: ignore-file"', "cur.execute(q)"), { line: 2, endLine: 2, cwe: "CWE-89" }, false],
    ["ignore-filex is not the marker", file("# cwe-review: ignore-filex", "cur.execute(q)"), { line: 2, endLine: 2, cwe: "CWE-89" }, false],
    ["a line marker inside the finding's range silences it", file("cur.execute(", "    q,  # nosec", ")"), { line: 1, endLine: 3, cwe: "CWE-89" }, true],
    ["a line marker outside the range does not", file("cur.execute(q)", "x = 1  # nosec"), { line: 1, endLine: 1, cwe: "CWE-89" }, false],
  ])("%s", (_name, lines, finding, expected) => {
    expect(isFindingSuppressed(lines, finding)).toBe(expected);
  });

  test("the file marker is not read as a line-wide `ignore` of its own line", () => {
    expect(isSuppressed("# cwe-review: ignore-file[CWE-330]", "CWE-89")).toBe(false);
    expect(fileSuppression(["# cwe-review: ignore-file[CWE-330]", "# cwe-review: ignore-file[CWE-338]"])).toEqual({
      all: false, cwes: new Set(["CWE-330", "CWE-338"]),
    });
  });
});
