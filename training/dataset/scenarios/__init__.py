"""Scenario families, one module per CWE group. Importing this package registers them all.

The train_* modules hold families added after the splits were fixed; they always go to train,
and the valfiles_* modules (whole realistic modules) and val_* modules (snippet families added to
widen validation) always go to validation
(generate.assign_splits)."""
import importlib
import pkgutil

from scenarios import injection, web, access, files, data, crypto, extra  # noqa: F401

# A train_* module that fails to import is recorded, not raised, so authors working on several
# modules at once can still check their own families (`generate.py --only`); a full generation
# run refuses to start while any of them fails.
IMPORT_ERRORS: list[str] = []
for _m in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith(("train_", "valfiles_", "val_"))):
    try:
        importlib.import_module(f"scenarios.{_m}")
    except Exception as e:  # noqa: BLE001 (any error in an author's module)
        IMPORT_ERRORS.append(f"scenarios/{_m}.py: {type(e).__name__}: {e}")
