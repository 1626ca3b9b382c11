import { commentOf, isSuppressed } from "../../src/findings/suppressions.js";

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
