"""The service profile: what is known about the service that wants to use a model.

Every fact is optional. An absent fact is *unknown*, never false: a clause that needs it makes the
result undetermined and names it. Field names are the facts of the clause language in snake_case
(`fine_tunes` is the fact `fine-tunes`); a YAML profile may spell them either way.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from checker.diagnostics.suggest import hint
from checker.terms.numbers import MAX_DIGITS, parse_number, too_large
from checker.terms.regions import canonical_region, known_region_names
from checker.terms.vocabulary import Fact, Modality, UseCase

_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _region(value: str) -> str:
    region = canonical_region(value)
    if region is None:
        suggestion = hint(value, known_region_names())
        raise ValueError(
            f"unknown region '{value}'"
            + (f" ({suggestion})" if suggestion else "")
            + "; use an ISO 3166-1 alpha-2 code such as US or DE, or a group: EU, EEA, EFTA, WORLD"
        )
    return region


Region = Annotated[str, AfterValidator(_region)]
"""An ISO 3166-1 alpha-2 country code (`DE`) or a group (`EU`, `EEA`, `WORLD`), upper case."""


def whole_figure(value: Any) -> Any:
    """A count of users as a profile may write it: `800000000`, `800_000_000` or `800M`, exactly.

    Refuses (rather than rounds) a fraction, a float that only approximates what was written and a
    figure of more than MAX_DIGITS digits, as the command line does (issue 14)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        value = int(value)
    if isinstance(value, int):
        if too_large(str(abs(value))):
            raise ValueError(f"the number is too large (more than {MAX_DIGITS} digits)")
        return value
    if isinstance(value, str):
        if too_large(value):
            raise ValueError(f"the number is too large (more than {MAX_DIGITS} digits)")
        number = parse_number(value.strip().replace(",", "_"))
        if number is None or number != number.to_integral_value():
            raise ValueError(f"'{value}' is not a whole number; write e.g. 800000000, 800_000_000 or 800M")
        return int(number)
    return value


def amount(value: Any) -> Any:
    """An amount in USD: `2500000`, `2.5M` or `USD 2.5M`, exactly; at most MAX_DIGITS digits."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | str) and too_large(str(value)):
        raise ValueError(f"the amount is too large (more than {MAX_DIGITS} digits)")
    if isinstance(value, str):
        number = parse_number(value.strip().removeprefix("USD").strip().replace(",", "_"))
        if number is None:
            raise ValueError(f"'{value}' is not an amount; write e.g. 2500000, 2.5M or USD 2.5M")
        return number
    return value


class MonthlyActiveUsers(BaseModel):
    """Monthly active users: one current figure, figures for given months, or both.

    When a licence measures users in a month for which no figure is given, the current figure
    stands for that month too, and the verdict says that it assumed so.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    current: int | None = Field(default=None, ge=0, description="Monthly active users now.")
    by_month: dict[str, int] = Field(
        default_factory=dict, description="Monthly active users in given calendar months (YYYY-MM)."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_short_forms(cls, data: Any) -> Any:
        # `mau: 800000000` or `mau: {current: 800000000, 2024-06: 650000000}`.
        if isinstance(data, bool):
            return data  # let validation reject it as not a number
        if isinstance(data, float) and data.is_integer():
            data = int(data)
        if isinstance(data, int | str):
            return {"current": data}
        if isinstance(data, dict) and not ({"current", "by_month"} >= set(data)):
            current = data.get("current", data.get("now"))
            months = {k: v for k, v in data.items() if k not in ("current", "now")}
            return {"current": current, "by_month": months}
        return data

    @field_validator("current", mode="before")
    @classmethod
    def _current(cls, value: Any) -> Any:
        return whole_figure(value)

    @field_validator("by_month", mode="before")
    @classmethod
    def _figures(cls, value: Any) -> Any:
        return {k: whole_figure(v) for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("by_month")
    @classmethod
    def _months(cls, value: dict[str, int]) -> dict[str, int]:
        for month, users in value.items():
            if not _MONTH.match(str(month)):
                raise ValueError(f"'{month}' is not a month; write months as YYYY-MM")
            if users < 0:
                raise ValueError(f"the figure for {month} is negative")
        return dict(sorted(value.items()))

    def in_month(self, month: str) -> tuple[int | None, bool]:
        """The figure for a month (YYYY-MM) and whether it was assumed from the current figure."""
        if month in self.by_month:
            return self.by_month[month], False
        if self.current is not None:
            return self.current, True
        return None, False


# What a profile may write for `mau` (the validator above turns the short forms into MonthlyActiveUsers).
_MAU_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "integer", "minimum": 0, "description": "the current figure, assumed for every month"},
        {
            "type": "object",
            "description": "`current` and/or figures by calendar month (YYYY-MM)",
            "propertyNames": {"pattern": "^(current|now|[0-9]{4}-(0[1-9]|1[0-2]))$"},
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
        {"type": "null"},
    ]
}


def _yes_no(value: Any) -> Any:
    """`yes` / `no` (and YAML's booleans) as a bool; anything else is left for validation to reject."""
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return value.strip().lower() == "yes"
    return value


class Answer(BaseModel):
    """The user's answer to a question the licence text leaves open (an `unclear` clause)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    value: bool = Field(description="yes (true) or no (false).")
    reason: str | None = Field(default=None, description="Why: shown beside the answer.")

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, data: Any) -> Any:
        # `id: yes` or `id: {answer: yes, reason: "…"}`.
        if isinstance(data, bool | str):
            return {"value": _yes_no(data)}
        if isinstance(data, dict) and "answer" in data:
            data = {("value" if k == "answer" else k): v for k, v in data.items()}
            data["value"] = _yes_no(data["value"])
        return data

    @field_validator("value", mode="before")
    @classmethod
    def _strict_yes_no(cls, value: Any) -> Any:
        if not isinstance(value, bool):
            raise ValueError("answer yes or no")
        return value

    @property
    def text(self) -> str:
        """`yes`, or `no — <reason>`: how the answer is shown."""
        return ("yes" if self.value else "no") + (f" — {self.reason}" if self.reason else "")


class Done(BaseModel):
    """An obligation the user reports done, with optional evidence (a path, a URL)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    evidence: str | None = Field(default=None, description="Where it can be seen done: a path, a URL.")

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, data: Any) -> Any:
        if data is None or data is True:
            return {}
        if isinstance(data, str):
            return {"evidence": data}
        return data


def _patent_claims_are_ip_claims(data: dict[Any, Any]) -> dict[Any, Any]:
    """A patent claim is an IP claim: `sued_over_patents: yes` answers `sued_over_ip` too, and
    `sued_over_ip: no` answers `sued_over_patents`; the contrary pair is refused."""
    patents, ip = data.get("sued_over_patents"), data.get("sued_over_ip")
    if patents is True and ip is False:
        raise ValueError(
            "sued_over_patents: yes and sued_over_ip: no contradict each other (a patent claim is an IP claim)"
        )
    if patents is True and ip is None:
        return {**data, "sued_over_ip": True}
    if ip is False and patents is None:
        return {**data, "sued_over_patents": False}
    return data


class ServiceProfile(BaseModel):
    """Facts about a service. Every field is optional; `None` means unknown."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    model: str | None = Field(default=None, description="The model in use (e.g. a Hugging Face repo id).")
    modality: Modality | None = Field(default=None, description="text or multimodal.")
    mau: Annotated[MonthlyActiveUsers | None, WithJsonSchema(_MAU_SCHEMA)] = Field(
        default=None, description="Monthly active users."
    )
    dau: int | None = Field(default=None, ge=0, description="Daily active users.")
    revenue: Decimal | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="Annual revenue of the licensee, in USD."
    )
    domicile: Region | None = Field(
        default=None, description="Where the licensee is domiciled or has its principal place of business."
    )
    markets: tuple[Region, ...] | None = Field(default=None, description="Where the end users are.")
    uses: tuple[UseCase, ...] | None = Field(default=None, description="The complete list of the service's use cases.")
    commercial: StrictBool | None = Field(default=None, description="Used in connection with a commercial activity.")
    distributes: StrictBool | None = Field(default=None, description="Distributes the weights or a derivative.")
    serves: StrictBool | None = Field(default=None, description="Offers the model as a hosted service or API.")
    fine_tunes: StrictBool | None = Field(default=None, description="Fine-tunes or otherwise modifies the model.")
    trains_on_outputs: StrictBool | None = Field(
        default=None, description="Uses outputs to train or improve another model."
    )
    end_user: StrictBool | None = Field(
        default=None, description="Only uses the model as an end user of a third party's integrated product."
    )
    derivative_name: str | None = Field(default=None, description="The name of the derived model.")
    derivative_license: str | None = Field(
        default=None,
        description="The licence a derivative or fine-tune is released under: a catalogue id (`modelterms list`), "
        "e.g. cc-by-sa-4.0. Share-alike terms that name the licences they accept check it.",
    )
    sued_over_patents: StrictBool | None = Field(
        default=None,
        description="Has brought a patent claim (lawsuit, cross-claim or counterclaim, against anyone) alleging "
        "that the model, or a part of it, infringes a patent (Apache-2.0 §3). Yes implies sued_over_ip: yes.",
    )
    sued_over_ip: StrictBool | None = Field(
        default=None,
        description="Has brought a claim (against the licensor or anyone) alleging that the model or its outputs "
        "infringe its intellectual property or other rights, patents included (Llama §5.c). No implies "
        "sued_over_patents: no.",
    )
    answers: dict[str, Answer] | None = Field(
        default=None,
        description="Answers to the questions licences leave open, by question id (`<licence>/<clause>`).",
    )
    done: dict[str, Done] | None = Field(
        default=None, description="Obligations reported done, by obligation id (`<licence>/<clause>`)."
    )

    @model_validator(mode="before")
    @classmethod
    def _snake_case_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            snake = {(k.replace("-", "_") if isinstance(k, str) else k): v for k, v in data.items()}
            if len(snake) < len(data):  # `fine_tunes` and `fine-tunes`: one fact given twice
                twice = sorted(str(k) for k in data if isinstance(k, str) and "-" in k and k.replace("-", "_") in data)
                raise ValueError(f"'{twice[0] if twice else '?'}' is given twice (with - and with _)")
            if isinstance(snake.get("done"), list | tuple):  # `done: [id, …]`
                snake["done"] = {str(item): {} for item in snake["done"]}
            return _patent_claims_are_ip_claims(snake)
        return data

    def answer(self, question_id: str) -> Answer | None:
        """The user's answer to a question, if given."""
        return self.answers.get(question_id) if self.answers else None

    def done_item(self, obligation_id: str) -> Done | None:
        """The user's report that an obligation is done, if given."""
        return self.done.get(obligation_id) if self.done else None

    @field_validator("dau", mode="before")
    @classmethod
    def _dau(cls, value: Any) -> Any:
        return whole_figure(value)

    @field_validator("revenue", mode="before")
    @classmethod
    def _revenue(cls, value: Any) -> Any:
        return amount(value)

    @field_validator("uses", "markets", mode="after")
    @classmethod
    def _sorted_unique(cls, value: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
        return None if value is None else tuple(sorted(set(value)))

    def value_of(self, fact: Fact) -> object:
        """The profile's value for a fact of the clause language (None when unknown)."""
        return getattr(self, _FIELDS[fact])

    def merged(self, **overrides: object) -> ServiceProfile:
        """A copy with the given fields replaced where the override is not None (validated)."""
        data = self.model_dump(exclude_none=True)
        for key in ("answers", "done"):  # merged id by id: a flag overrides the file's entry for its id
            given = overrides.pop(key, None)
            if given:
                assert isinstance(given, dict)
                data[key] = {**data.get(key, {}), **given}
        data.update({k: v for k, v in overrides.items() if v is not None and v != []})
        return ServiceProfile.model_validate(data)


_FIELDS: dict[Fact, str] = {
    Fact.MAU: "mau",
    Fact.DAU: "dau",
    Fact.REVENUE: "revenue",
    Fact.DOMICILE: "domicile",
    Fact.MARKET: "markets",
    Fact.USE: "uses",
    Fact.MODALITY: "modality",
    Fact.COMMERCIAL: "commercial",
    Fact.DISTRIBUTES: "distributes",
    Fact.SERVES: "serves",
    Fact.FINE_TUNES: "fine_tunes",
    Fact.TRAINS_ON_OUTPUTS: "trains_on_outputs",
    Fact.END_USER: "end_user",
    Fact.DERIVATIVE_NAME: "derivative_name",
    Fact.DERIVATIVE_LICENSE: "derivative_license",
    Fact.SUED_OVER_PATENTS: "sued_over_patents",
    Fact.SUED_OVER_IP: "sued_over_ip",
}


# The command-line flag that gives each fact (`checker.cli.profile_flags` defines them; a test holds
# the two together): a missing fact names it, so that the user knows how to answer.
_FLAGS: dict[Fact, str] = {
    Fact.MAU: "--mau",
    Fact.DAU: "--dau",
    Fact.REVENUE: "--revenue",
    Fact.DOMICILE: "--domicile",
    Fact.MARKET: "--market",
    Fact.USE: "--use",
    Fact.MODALITY: "--modality",
    Fact.COMMERCIAL: "--commercial/--non-commercial",
    Fact.DISTRIBUTES: "--distribute/--no-distribute",
    Fact.SERVES: "--serve/--no-serve",
    Fact.FINE_TUNES: "--fine-tune/--no-fine-tune",
    Fact.TRAINS_ON_OUTPUTS: "--train-on-outputs/--no-train-on-outputs",
    Fact.END_USER: "--end-user/--no-end-user",
    Fact.DERIVATIVE_NAME: "--derivative-name",
    Fact.DERIVATIVE_LICENSE: "--derivative-license",
    Fact.SUED_OVER_PATENTS: "--sued-over-patents/--not-sued-over-patents",
    Fact.SUED_OVER_IP: "--sued-over-ip/--not-sued-over-ip",
}


def flag_for(fact: Fact) -> str:
    """The command-line flag that gives a fact."""
    return _FLAGS[fact]


def field_for(fact: Fact) -> str:
    """The profile field that holds a fact."""
    return _FIELDS[fact]
