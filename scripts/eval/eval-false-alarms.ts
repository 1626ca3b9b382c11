import type { Detector } from "../../src/detector/detector.js";
import type { WindowCutter } from "../../src/windows/cut-windows.js";
import { MATURE_PACKAGES, packageFiles } from "./mature-sources.js";
import { log } from "./model-tool.js";
import type { FalseAlarmRow } from "./results.js";
import { runBandit } from "./run-bandit.js";
import { scanWithModel } from "./scan-with-model.js";

/** Findings (ours) and medium-or-higher issues (Bandit) per reserved mature package. */
export async function evalFalseAlarms(detector: Detector, cutter: WindowCutter): Promise<FalseAlarmRow[]> {
  const rows: FalseAlarmRow[] = [];
  for (const name of MATURE_PACKAGES) {
    const { files, lines } = packageFiles(name);
    const { findings } = await scanWithModel(files, { detector, cutter, label: `mature sources: ${name} [ours]` });
    log(`mature sources: ${name}: bandit`);
    const bandit = runBandit(files).filter((issue) => issue.severity !== "LOW").length;
    rows.push({ name, files: files.length, lines, ours: findings.length, bandit });
  }
  return rows;
}
