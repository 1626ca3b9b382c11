"""Scenario families, one module per CWE group. Importing this package registers them all."""
from scenarios import injection, web, access, files, data, crypto, extra  # noqa: F401
