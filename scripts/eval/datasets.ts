import { readFileSync } from "node:fs";
import { join } from "node:path";

/** One record of data/test.jsonl (issue 3); fields the evaluation does not read are ignored. */
export interface Sample {
  id: string;
  label: "vulnerable" | "safe";
  cwes: string[];
  code: string;
  /** Marked (vulnerable) line numbers, 1-based in `code`. */
  lines: number[];
  family: string;
}

/** One challenge file and its labelled weaknesses (data/challenge/labels.jsonl). */
export interface ChallengeFile {
  /** Path relative to the challenge directory, e.g. "files/account_passwords.py". */
  file: string;
  findings: { cwe: string; lines: number[] }[];
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      try {
        return JSON.parse(line) as T;
      } catch (cause) {
        throw new Error(`${path}:${index + 1} is not JSON`, { cause });
      }
    });
}

/** The held-out test split. */
export function loadTestSplit(path: string): Sample[] {
  return readJsonl<Sample>(path);
}

/** The independent challenge set (labels and the directory its paths are relative to). */
export function loadChallenge(dir: string): ChallengeFile[] {
  return readJsonl<ChallengeFile>(join(dir, "labels.jsonl"));
}
