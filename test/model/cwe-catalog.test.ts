import { describeCwe, isKnownCwe, listCwes } from "../../src/cwe/catalog.js";

/** Every CWE the dataset labels (issue 3, "Coverage"). */
const DATASET_CWES = [79, 89, 352, 862, 863, 639, 22, 78, 77, 94, 434, 502, 306, 287, 918, 798, 400, 1333, 269, 732, 276, 611, 601, 327, 328, 916, 295, 330, 338, 347, 117, 377, 209, 215, 489, 90, 643, 319, 614, 1004, 200].map((n) => `CWE-${n}`);

describe("CWE catalogue", () => {
  it.each(DATASET_CWES)("describes %s with a name, a one-sentence why and a fix", (id) => {
    expect(isKnownCwe(id)).toBe(true);
    const entry = describeCwe(id);
    expect(entry.id).toBe(id);
    expect(entry.name.length).toBeGreaterThan(5);
    expect(entry.shortName.length).toBeGreaterThan(3);
    expect(entry.why).toMatch(/^[A-Z].*\.$/);
    expect(entry.why.split(/\.\s/).length).toBe(1);
    expect(entry.fix.length).toBeGreaterThan(20);
  });

  it("has one entry per id", () => {
    const ids = listCwes().map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("gives an unknown id a generic entry that links MITRE", () => {
    expect(isKnownCwe("CWE-99999")).toBe(false);
    expect(describeCwe("CWE-99999").fix).toContain("https://cwe.mitre.org/data/definitions/99999.html");
  });
});
