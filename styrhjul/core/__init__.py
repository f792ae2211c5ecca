"""The kernel below the apps: what every app uses (saving edited texts with
a version, the audit trail and its rendering, dates, spreadsheets, the
shared import machinery, form errors). It imports no app; the import
contracts in pyproject.toml check that."""
