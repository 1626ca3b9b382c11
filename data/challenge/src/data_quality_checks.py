# @notes clean: data-quality checks for a warehouse table; table and column names come from a reviewed YAML spec and are quoted as identifiers
"""Run declarative data-quality checks against warehouse tables and report failures."""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2
import yaml
from psycopg2 import sql

log = logging.getLogger("dq")


@dataclass
class CheckResult:
    table: str
    check: str
    passed: bool
    detail: str = ""


@dataclass
class TableSpec:
    name: str
    not_null: list[str] = field(default_factory=list)
    unique: list[str] = field(default_factory=list)
    min_rows: int = 0
    freshness_column: str | None = None
    max_age_hours: int = 26


def load_specs(path: Path) -> list[TableSpec]:
    raw = yaml.safe_load(path.read_text()) or {}
    return [TableSpec(**t) for t in raw.get("tables", [])]


def _ident(name: str) -> sql.Composable:
    schema, _, table = name.rpartition(".")
    return sql.Identifier(schema, table) if schema else sql.Identifier(table)


def scalar(cur, query: sql.Composable, params: tuple[Any, ...] = ()) -> Any:
    cur.execute(query, params)
    return cur.fetchone()[0]


def run_table(cur, spec: TableSpec) -> list[CheckResult]:
    results: list[CheckResult] = []
    table = _ident(spec.name)
    rows = scalar(cur, sql.SQL("SELECT count(*) FROM {}").format(table))
    results.append(CheckResult(spec.name, "min_rows", rows >= spec.min_rows, f"{rows} rows"))
    for col in spec.not_null:
        nulls = scalar(cur, sql.SQL("SELECT count(*) FROM {} WHERE {} IS NULL").format(table, sql.Identifier(col)))
        results.append(CheckResult(spec.name, f"not_null:{col}", nulls == 0, f"{nulls} nulls"))
    for col in spec.unique:
        dupes = scalar(
            cur,
            sql.SQL("SELECT count(*) FROM (SELECT {c} FROM {t} GROUP BY {c} HAVING count(*) > 1) d").format(
                c=sql.Identifier(col), t=table
            ),
        )
        results.append(CheckResult(spec.name, f"unique:{col}", dupes == 0, f"{dupes} duplicated values"))
    if spec.freshness_column:
        age = scalar(
            cur,
            sql.SQL("SELECT extract(epoch FROM now() - max({})) / 3600 FROM {}").format(
                sql.Identifier(spec.freshness_column), table
            ),
        )
        ok = age is not None and age <= spec.max_age_hours
        results.append(CheckResult(spec.name, "freshness", ok, f"{age:.1f}h old" if age is not None else "empty"))
    return results


def volume_anomaly(history: list[int], today: int, z: float = 3.0) -> bool:
    if len(history) < 7:
        return False
    mean = statistics.fmean(history)
    sd = statistics.pstdev(history) or 1.0
    return abs(today - mean) / sd > z


def report(results: list[CheckResult]) -> int:
    failed = [r for r in results if not r.passed]
    for r in results:
        mark = "PASS" if r.passed else "FAIL"
        print(f"{mark}  {r.table:<40} {r.check:<28} {r.detail}")
    print(f"\n{len(results) - len(failed)}/{len(results)} checks passed")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("spec", type=Path)
    ap.add_argument("--dsn", required=True)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    specs = load_specs(args.spec)
    results: list[CheckResult] = []
    with psycopg2.connect(args.dsn) as conn, conn.cursor() as cur:
        for spec in specs:
            log.info("checking %s", spec.name)
            results.extend(run_table(cur, spec))
    return report(results)


if __name__ == "__main__":
    sys.exit(main())
