"""The data checks: one module per family of rules; each rule is a kind, registered by name in `registry`.

Every rule is a pure function `(report, spec, ctx) -> list[Finding]` declared with `kinds.rule_kind`
(its parameters and scopes); thresholds come only from `spec.params`, validated against that
declaration when the rulebook loads, and a breach counts as `spec.severity`.
"""
