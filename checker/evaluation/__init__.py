"""Evaluation: a service profile (`profile`, `profile_file`) checked against a licence. `evaluate` is the
reference evaluator, `compiled` its fast path, `wording` the sentences both explain themselves with."""
