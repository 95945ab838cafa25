"""The clause language: `parser` (Lark, grammar/terms.lark) → `tree` (positioned syntax) → `builder`
(the rule model, with every name checked), and `formatter`, which rewrites a file in its canonical layout."""
