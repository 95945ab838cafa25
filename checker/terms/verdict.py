"""A verdict is data with reasons: the outcome, and for each deciding clause its section, quote,
source and the facts it used or lacked. Text, JSON and every later format render this one object."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from checker.terms.vocabulary import ObligationKind, Outcome, Verification

JSON_SCHEMA_VERSION = 1
DISCLAIMER = "modelterms informs decisions; it is not legal advice."


def json_envelope(version: str) -> dict[str, object]:
    """The keys every JSON document modelterms writes begins with."""
    return {"schema_version": JSON_SCHEMA_VERSION, "modelterms_version": version, "disclaimer": DISCLAIMER}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class MissingFact(_Frozen):
    """A fact the profile lacks that a clause needs; `detail` narrows it (e.g. the month measured)."""

    fact: str
    detail: str | None = None
    question: str
    flag: str | None = Field(default=None, description="The command-line flag that answers it, e.g. `--use`.")
    profile_key: str | None = Field(default=None, description="The profile key that answers it, e.g. `uses:`.")


class Reason(_Frozen):
    """One clause that decided (or could not decide) the outcome."""

    license: str
    clause: str
    section: str
    heading: str | None = None
    quote: str
    quote_sha256: str = Field(description="SHA-256 of the quote: what a policy waiver pins.")
    source: str
    location: str | None = Field(default=None, description="file:line of the clause in its licence file")
    outcome: Outcome = Field(description="What this clause contributes to the result.")
    explanation: str = Field(description="The clause's effect and condition, in words.")
    facts: dict[str, str] = Field(default_factory=dict, description="The facts the clause used.")
    missing_facts: tuple[MissingFact, ...] = ()
    question: str | None = Field(default=None, description="For an unclear clause: what a human must answer.")
    question_id: str | None = Field(
        default=None,
        description="For an unclear clause: `<licence>/<clause>`, what `--answer ID=yes|no` or `answers:` names.",
    )
    answered: str | None = Field(
        default=None,
        description="The user's own answer to the question (`yes`, `no`, with its reason): never the licence's words.",
    )
    notes: tuple[str, ...] = ()
    ambiguities: tuple[str, ...] = ()
    unverified: tuple[str, ...] = Field(default=(), description="What in this clause could not be verified.")


class ObligationItem(_Frozen):
    """A duty the licence attaches to the use."""

    duty: ObligationKind
    text: str | None = None
    obligation_id: str = Field(description="`<licence>/<clause>`: what `--done ID` or `done:` names.")
    clause: str
    section: str
    quote: str
    applies: bool | None = Field(description="True: applies; None: applies only if `condition` holds.")
    condition: str | None = Field(default=None, description="When it applies, if that is not known yet.")
    met: bool | None = Field(default=None, description="False when the profile shows the duty is not met.")
    done: bool = Field(default=False, description="The user reports the duty done (`--done`, `done:`).")
    evidence: str | None = Field(default=None, description="What the user gave as evidence that it is done.")
    ambiguities: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()


class LicenseVerdict(_Frozen):
    license: str
    name: str
    licensor: str
    version: str | None = None
    source: str
    verification: Verification
    outcome: Outcome
    reasons: tuple[Reason, ...]
    obligations: tuple[ObligationItem, ...] = ()
    missing_facts: tuple[MissingFact, ...] = ()
    assumptions: tuple[str, ...] = ()
    terminations: tuple[Reason, ...] = Field(
        default=(),
        description="Clauses that would end the licence (or its patent licence) if a fact the profile leaves open "
        "holds, e.g. a claim that the model infringes your patents; each names the facts that settle it. "
        "`outcome` is what the clause gives when it holds. They do not decide the result.",
    )
    requested_as: str | None = Field(default=None, description="The id, alias, family or model the user asked for.")
    model: str | None = Field(default=None, description="The model checked (from the model index), if any.")
    model_via: str | None = Field(
        default=None,
        description="The model in the base-model chain whose licence this is (the model itself or an ancestor).",
    )
    provenance: str | None = Field(
        default=None,
        description="Where the licence came from: named (by the user), index, card (the model's card on the Hub), "
        "base-model (the index or a card names it for a base model).",
    )

    @property
    def deciding_reasons(self) -> tuple[Reason, ...]:
        """The reasons shown as deciding the outcome: all of them, except that a conditional
        result's obligation clauses are shown once, as obligations."""
        if self.outcome is not Outcome.CONDITIONAL:
            return self.reasons
        obligations = {o.clause for o in self.obligations}
        return tuple(r for r in self.reasons if r.clause not in obligations)
