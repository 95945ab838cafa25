"""Where licences and models come from: the bundled catalogue, the model index, the on-disk cache, and
`request`, which resolves the names a user gives and evaluates what they stand for."""
