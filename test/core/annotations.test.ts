import {
  batchAnnotations, MAX_ANNOTATION_MESSAGE_BYTES, MAX_ANNOTATION_TITLE_CHARS, MAX_ANNOTATIONS_PER_REQUEST, toAnnotations,
} from "../../src/review/annotations.js";
import { finding } from "./review-fixtures.js";

test("GitHub's limit of 50 annotations per request", () => {
  expect(MAX_ANNOTATIONS_PER_REQUEST).toBe(50);
});

test.each([
  [0, []],
  [1, [1]],
  [50, [50]],
  [51, [50, 1]],
  [100, [50, 50]],
  [101, [50, 50, 1]],
])("batchAnnotations: %i items → batches of %j", (count, sizes) => {
  const items = Array.from({ length: count }, (_, i) => i);
  const batches = batchAnnotations(items);
  expect(batches.map((b) => b.length)).toEqual(sizes);
  expect(batches.flat()).toEqual(items); // order kept, nothing lost or repeated
});

test.each([[0], [-1], [1.5], [Number.NaN]])("batchAnnotations rejects size %p", (size) => {
  expect(() => batchAnnotations([1, 2], size)).toThrow(RangeError);
});

test("batchAnnotations with a custom size", () => {
  expect(batchAnnotations([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
});

test("annotation fields", () => {
  expect(toAnnotations([finding({ line: 3, endLine: 5 })], "any")).toEqual([
    {
      path: "app/views.py",
      start_line: 3,
      end_line: 5,
      annotation_level: "failure",
      title: "CWE-89: SQL Injection (97%)",
      message: "User input is concatenated into an SQL query.\n\nHow to fix: Pass the value as a query parameter.",
    },
  ]);
});

test.each<[string, "any" | "none" | number, number, string]>([
  ["any → failure", "any", 0.6, "failure"],
  ["none → warning", "none", 0.99, "warning"],
  ["number, above → failure", 0.9, 0.95, "failure"],
  ["number, equal → failure", 0.9, 0.9, "failure"],
  ["number, below → warning", 0.9, 0.89, "warning"],
])("level: %s", (_name, failOn, confidence, level) => {
  expect(toAnnotations([finding({ confidence })], failOn)[0]?.annotation_level).toBe(level);
});

test("title and message stay within GitHub's sizes", () => {
  const [a] = toAnnotations([finding({ name: "x".repeat(400), message: "é".repeat(40_000) })], "any");
  expect(a!.title.length).toBeLessThanOrEqual(MAX_ANNOTATION_TITLE_CHARS);
  expect(a!.title.endsWith("…")).toBe(true);
  expect(new TextEncoder().encode(a!.message).length).toBeLessThanOrEqual(MAX_ANNOTATION_MESSAGE_BYTES);
  expect(a!.message.endsWith("…")).toBe(true);
});
