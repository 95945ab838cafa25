"""Analyses over the rule model: `compare` (licences side by side), `diff` (two licences or versions),
`flips` (the facts that change a verdict), `space` (the profile space they explore) and `lint`."""
