import { groupBootstrap } from "../../scripts/eval/bootstrap.js";
import type { Sample } from "../../scripts/eval/datasets.js";
import { reportedOf, sampleIntervals } from "../../scripts/eval/evaluate-samples.js";

const mean = (xs: readonly { value: number }[]) => xs.reduce((s, x) => s + x.value, 0) / Math.max(1, xs.length);

describe("groupBootstrap", () => {
  // 10 groups of 20 items; a group's items all share its value, as a family's samples share a sink shape.
  const items = Array.from({ length: 200 }, (_, i) => ({ group: `g${Math.floor(i / 20)}`, id: `i${i}`, value: Math.floor(i / 20) % 2 }));

  it("resamples whole groups: an interval as wide as 10 draws allow, not as narrow as 200", () => {
    const byGroup = groupBootstrap(items, (x) => x.group, mean);
    const byItem = groupBootstrap(items, (x) => x.id, mean);
    expect(byGroup.groups).toBe(10);
    expect(byItem.groups).toBe(200);
    expect(byGroup.low).toBeLessThan(0.5);
    expect(byGroup.high).toBeGreaterThan(0.5);
    // Standard error of a mean of 10 fair 0/1 draws is ~0.16, of 200 draws ~0.035.
    expect(byGroup.high - byGroup.low).toBeGreaterThan(0.4);
    expect(byItem.high - byItem.low).toBeLessThan(0.2);
  });

  it("is seeded: the same call gives the same interval, another seed another one", () => {
    const a = groupBootstrap(items, (x) => x.group, mean, 200, 7);
    expect(groupBootstrap(items, (x) => x.group, mean, 200, 7)).toEqual(a);
    expect(groupBootstrap(items, (x) => x.group, mean, 200, 8)).not.toEqual(a);
  });

  it("collapses to the point when the statistic cannot vary, and to zeros on no items", () => {
    expect(groupBootstrap(items, (x) => x.group, () => 0.25)).toMatchObject({ low: 0.25, high: 0.25 });
    expect(groupBootstrap([], () => "g", () => 1)).toEqual({ low: 0, high: 0, rounds: 0, groups: 0 });
  });
});

describe("sampleIntervals", () => {
  const sample = (id: string, family: string, vulnerable: boolean): Sample => ({
    id, family, label: vulnerable ? "vulnerable" : "safe", cwes: vulnerable ? ["CWE-89"] : [], lines: vulnerable ? [2] : [], code: "",
  });
  const samples = ["f1", "f2", "f3", "f4"].flatMap((family) => [sample(`${family}-v`, family, true), sample(`${family}-s`, family, false)]);

  it("a tool right on every family has F1 1 on every resample", () => {
    const reported = new Map(samples.filter((s) => s.label === "vulnerable").map((s) => [s.id, [reportedOf("CWE-89", 2, 2)]]));
    const { f1, macroF1 } = sampleIntervals(samples, reported, 100);
    expect(f1).toMatchObject({ low: 1, high: 1, groups: 4 });
    expect(macroF1).toMatchObject({ low: 1, high: 1 });
  });

  it("a tool right on half the families gets an interval around its F1", () => {
    const reported = new Map([["f1-v", [reportedOf("CWE-89", 2, 2)]], ["f2-v", [reportedOf("CWE-89", 2, 2)]]]);
    const { f1 } = sampleIntervals(samples, reported, 500);
    // Point F1: P 1, R 0.5 → 0.667; a resample can draw no detected family (0) or only detected ones (1).
    expect(f1.low).toBeLessThan(0.667);
    expect(f1.high).toBeGreaterThan(0.667);
    expect(f1.low).toBeGreaterThanOrEqual(0);
    expect(f1.high).toBeLessThanOrEqual(1);
  });
});
