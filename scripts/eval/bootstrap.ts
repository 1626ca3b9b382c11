import { unsafeUniformIntDistribution, xoroshiro128plus } from "pure-rand";

/** A 95% percentile interval of a statistic over resamples. */
export interface Interval {
  low: number;
  high: number;
  rounds: number;
  /** How many groups each resample draws (with replacement). */
  groups: number;
}

/**
 * 95% interval of `statistic` over `rounds` resamples that draw whole groups with replacement.
 *
 * Groups, not items: the test split's samples come in scenario families whose samples share a
 * sink shape and succeed or fail together, so resampling samples would make the interval look
 * narrower than the evidence is. Seeded, so a rerun of the report prints the same interval.
 */
export function groupBootstrap<T>(
  items: readonly T[],
  groupOf: (item: T) => string,
  statistic: (resample: readonly T[]) => number,
  rounds = 1000,
  seed = 4321,
): Interval {
  const byGroup = new Map<string, T[]>();
  for (const item of items) {
    const key = groupOf(item);
    const members = byGroup.get(key);
    if (members === undefined) byGroup.set(key, [item]);
    else members.push(item);
  }
  const groups = [...byGroup.values()];
  if (groups.length === 0) return { low: 0, high: 0, rounds: 0, groups: 0 };
  const rng = xoroshiro128plus(seed);
  const values: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const resample: T[] = [];
    for (let g = 0; g < groups.length; g++) resample.push(...(groups[unsafeUniformIntDistribution(0, groups.length - 1, rng)] ?? []));
    values.push(statistic(resample));
  }
  values.sort((a, b) => a - b);
  return { low: quantile(values, 0.025), high: quantile(values, 0.975), rounds, groups: groups.length };
}

/** Linear-interpolated quantile of sorted values (as numpy's default). */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (at - lo);
}
