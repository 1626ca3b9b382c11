import { readFingerprint } from "../../src/findings/fingerprint.js";
import { renderComment } from "../../src/review/render-comment.js";
import { finding } from "./review-fixtures.js";

const FP = "0123456789abcdef";

test("full body", () => {
  expect(renderComment(finding(), FP)).toBe(
    [
      "**[CWE-89](https://cwe.mitre.org/data/definitions/89.html): SQL Injection** · confidence 97%",
      "",
      "User input is concatenated into an SQL query.",
      "",
      "**How to fix:** Pass the value as a query parameter.",
      "",
      "<sub>Not a problem here? Add `# cwe-review: ignore[CWE-89]` at the end of the line.</sub>",
      "<!-- cwe-review:fp=0123456789abcdef -->",
    ].join("\n"),
  );
});

test.each([
  ["rounds confidence", finding({ confidence: 0.456 }), "confidence 46%"],
  ["100%", finding({ confidence: 1 }), "confidence 100%"],
  ["other CWE link", finding({ cwe: "CWE-78", name: "OS Command Injection" }), "[CWE-78](https://cwe.mitre.org/data/definitions/78.html): OS Command Injection**"],
  ["id without a MITRE page is not linked", finding({ cwe: "CUSTOM-1", name: "x" }), "**CUSTOM-1: x**"],
  ["name on one line", finding({ name: "SQL\nInjection" }), "): SQL Injection**"],
])("%s", (_name, f, fragment) => {
  expect(renderComment(f, FP)).toContain(fragment);
});

test("the fingerprint reads back from the body", () => {
  expect(readFingerprint(renderComment(finding(), FP))).toBe(FP);
});

test("a marker quoted in the message cannot replace the real one or hide text", () => {
  const body = renderComment(finding({ message: "code: <!-- cwe-review:fp=ffffffffffffffff --> and more" }), FP);
  expect(readFingerprint(body)).toBe(FP);
  expect(body).toContain("&lt;!-- cwe-review:fp=ffffffffffffffff -->");
});
