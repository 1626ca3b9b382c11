"""Scenario families, one module per CWE group. Importing this package registers them all.

The train_* modules hold families added after the splits were fixed; they always go to train
(generate.assign_splits)."""
import importlib
import pkgutil

from scenarios import injection, web, access, files, data, crypto, extra  # noqa: F401

for _m in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("train_")):
    importlib.import_module(f"scenarios.{_m}")
