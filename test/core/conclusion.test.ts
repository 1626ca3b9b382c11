import { DEFAULT_REPO_CONFIG, type RepoConfig } from "../../src/config/repo-config.js";
import { decideConclusion } from "../../src/review/conclusion.js";
import { finding } from "./review-fixtures.js";

const cfg = (failOn: RepoConfig["failOn"]): RepoConfig => ({ ...DEFAULT_REPO_CONFIG, failOn });

test.each<[string, number[], RepoConfig["failOn"], string]>([
  ["no findings, any", [], "any", "success"],
  ["no findings, none", [], "none", "success"],
  ["no findings, number", [], 0.9, "success"],
  ["a finding, any", [0.55], "any", "failure"],
  ["findings, none", [0.99, 0.7], "none", "neutral"],
  ["number, one reaches it", [0.7, 0.92], 0.9, "failure"],
  ["number, exactly at it", [0.9], 0.9, "failure"],
  ["number, none reaches it", [0.7, 0.89], 0.9, "neutral"],
])("%s → %s", (_name, confidences, failOn, expected) => {
  expect(decideConclusion(confidences.map((confidence) => finding({ confidence })), cfg(failOn))).toBe(expected);
});
