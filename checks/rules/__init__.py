"""The data checks: one module per family of rules, wired to rulebook rule ids in `registry`.

Every rule is a pure function `(report, spec, ctx) -> list[Finding]`; thresholds come only from
`spec.params` and a breach counts as `spec.severity`.
"""
