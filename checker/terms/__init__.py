"""The rule model and its closed vocabularies: what a licence says once parsed (`model`), the facts,
uses and outcomes it speaks of (`vocabulary`), regions, quantities, and the verdict a check returns."""
