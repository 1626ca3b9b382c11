import { fingerprint, fingerprintMarker, readFingerprint } from "../../src/findings/fingerprint.js";

const sql = { path: "app/views.py", cwe: "CWE-89" };
const line = 'cur.execute("SELECT * FROM u WHERE id=" + uid)';

test("16 lowercase hex characters", () => {
  expect(fingerprint(sql, line)).toMatch(/^[0-9a-f]{16}$/);
});

test("is sha256 of path, CWE and the normalized line (not just any hash)", async () => {
  const { createHash } = await import("node:crypto");
  const expected = createHash("sha256").update(`app/views.py\0CWE-89\0${line}`).digest("hex").slice(0, 16);
  expect(fingerprint(sql, `   ${line}\n`)).toBe(expected);
});

test.each([
  ["re-indented", `        ${line}`],
  ["trailing spaces", `${line}   `],
  ["tabs", `\t${line}`],
  ["inner whitespace runs", line.replace("SELECT *", "SELECT   *")],
  ["CRLF leftover", `${line}\r`],
])("same fingerprint when %s", (_name, moved) => {
  expect(fingerprint(sql, moved)).toBe(fingerprint(sql, line));
});

// Line moves (same text at another line number) are covered in plan-review.test.ts.

test.each([
  ["another path", { ...sql, path: "app/admin.py" }, line],
  ["another CWE", { ...sql, cwe: "CWE-78" }, line],
  ["another line text", sql, line.replace("uid", "user_id")],
  ["fields cannot run together", { path: "a", cwe: "bCWE-89" }, line],
])("different fingerprint for %s", (_name, f, text) => {
  expect(fingerprint(f, text)).not.toBe(fingerprint(sql, line));
});

test.each([
  ["round trip", `**CWE-89**\n\n${fingerprintMarker("0123456789abcdef")}`, "0123456789abcdef"],
  ["marker with extra spaces", "x <!--   cwe-review:fp=0123456789abcdef   --> y", "0123456789abcdef"],
  ["no marker", "just a human comment", null],
  ["wrong length", "<!-- cwe-review:fp=0123 -->", null],
  ["marker text outside an HTML comment", "cwe-review:fp=0123456789abcdef", null],
])("readFingerprint: %s", (_name, body, expected) => {
  expect(readFingerprint(body)).toBe(expected);
});

test("the marker is an HTML comment, hidden when GitHub renders Markdown", () => {
  expect(fingerprintMarker("0123456789abcdef")).toBe("<!-- cwe-review:fp=0123456789abcdef -->");
});
