"""The closed vocabularies of modelterms: facts, use cases, outcomes, units, obligations.

Every word the clause language, the profile and the verdict share is a member of one of these enums.
The grammar accepts any identifier where a vocabulary word belongs; the model layer checks membership
(and offers "did you mean …"), so the words live here once, with what each one means.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum, StrEnum


class Fact(StrEnum):
    """A fact about the service, as a condition in a licence file names it (kebab-case)."""

    MAU = "mau"
    """Monthly active users of the products or services made available by or for the licensee
    (and its affiliates, where a licence counts them: see each licence's notes)."""
    DAU = "dau"
    """Daily active users of the licensee's (and its affiliates') services or products."""
    REVENUE = "revenue"
    """Annual revenue of the licensee, in US dollars."""
    DOMICILE = "domicile"
    """Where the licensee is domiciled (an individual) or has its principal place of business (a company)."""
    MARKET = "market"
    """A region where the service's end users are. Used as `any market in …`."""
    USE = "use"
    """A use case of the service, from `UseCase`. Used as `any use in …`."""
    MODALITY = "modality"
    """Whether the model in use is text-only or multimodal (`Modality`)."""
    COMMERCIAL = "commercial"
    """The model is used in connection with a commercial activity (including internal business use)."""
    DISTRIBUTES = "distributes"
    """The licensee distributes the weights or a derivative of them to third parties."""
    SERVES = "serves"
    """The licensee offers the model, or a product built on it, to third parties as a hosted service or API."""
    FINE_TUNES = "fine-tunes"
    """The licensee fine-tunes or otherwise modifies the model."""
    TRAINS_ON_OUTPUTS = "trains-on-outputs"
    """The licensee uses the model's outputs to train or improve another model
    (one that is not a derivative of this model)."""
    END_USER = "end-user"
    """The licensee only uses the model as an end user of a third party's product or service that
    integrates it (licences exempt such end users from some terms)."""
    DERIVATIVE_NAME = "derivative-name"
    """The name under which a model derived from this one is distributed or made available."""
    DERIVATIVE_LICENSE = "derivative-license"
    """The licence (a catalogue id) under which the licensee releases a derivative or fine-tune of the
    model. Read by share-alike duties that name the licences they accept."""
    SUED_OVER_PATENTS = "sued-over-patents"
    """The licensee has brought a patent claim (a lawsuit, cross-claim or counterclaim, against anyone)
    alleging that the model, or a part of it, infringes a patent (directly or contributorily). Apache-2.0 §3
    and the licences built on it end their patent grant for such a licensee."""
    SUED_OVER_IP = "sued-over-ip"
    """The licensee has brought a claim (litigation or other proceedings, including a cross-claim or
    counterclaim, against the licensor or anyone) alleging that the model, a part of it or its outputs
    infringe the licensee's intellectual property or other rights: patents, copyright or any other.
    Llama §5.c ends the whole licence for such a licensee. A patent claim is such a claim."""

    @property
    def kind(self) -> FactKind:
        return _FACT_KINDS[self]


class FactKind(Enum):
    """How a fact is compared: the model layer checks that each condition uses a fact as its kind allows."""

    QUANTITY = "quantity"
    REGION = "region"
    REGION_SET = "region-set"
    USE_SET = "use-set"
    CHOICE = "choice"
    FLAG = "flag"
    TEXT = "text"


_FACT_KINDS: dict[Fact, FactKind] = {
    Fact.MAU: FactKind.QUANTITY,
    Fact.DAU: FactKind.QUANTITY,
    Fact.REVENUE: FactKind.QUANTITY,
    Fact.DOMICILE: FactKind.REGION,
    Fact.MARKET: FactKind.REGION_SET,
    Fact.USE: FactKind.USE_SET,
    Fact.MODALITY: FactKind.CHOICE,
    Fact.COMMERCIAL: FactKind.FLAG,
    Fact.DISTRIBUTES: FactKind.FLAG,
    Fact.SERVES: FactKind.FLAG,
    Fact.FINE_TUNES: FactKind.FLAG,
    Fact.TRAINS_ON_OUTPUTS: FactKind.FLAG,
    Fact.END_USER: FactKind.FLAG,
    Fact.DERIVATIVE_NAME: FactKind.TEXT,
    Fact.DERIVATIVE_LICENSE: FactKind.TEXT,
    Fact.SUED_OVER_PATENTS: FactKind.FLAG,
    Fact.SUED_OVER_IP: FactKind.FLAG,
}


class Unit(StrEnum):
    """The unit of a quantity. A comparison is only well-formed when fact and value share a unit."""

    USERS = "users"
    USD = "USD"


FACT_UNITS: dict[Fact, Unit] = {Fact.MAU: Unit.USERS, Fact.DAU: Unit.USERS, Fact.REVENUE: Unit.USD}


class Comparator(StrEnum):
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    EQ = "=="
    NE = "!="

    def holds(self, value: Decimal, threshold: Decimal) -> bool:
        """Whether `value <comparator> threshold`: the one definition the evaluator and the
        profile-space analysis share."""
        match self:
            case Comparator.GT:
                return value > threshold
            case Comparator.GE:
                return value >= threshold
            case Comparator.LT:
                return value < threshold
            case Comparator.LE:
                return value <= threshold
            case Comparator.EQ:
                return value == threshold
            case Comparator.NE:
                return value != threshold


class Modality(StrEnum):
    TEXT = "text"
    MULTIMODAL = "multimodal"


class UseCase(StrEnum):
    """What the service does with the model.

    One vocabulary for every licence: each licence file maps its own acceptable-use or restriction
    list onto these words, quoting the items it maps. Giving a profile's uses declares the complete
    list, so an absent use case means "the service does not do this".
    """

    CHATBOT = "chatbot"
    CODE_ASSISTANT = "code-assistant"
    CONTENT_GENERATION = "content-generation"
    RESEARCH = "research"
    MILITARY = "military"
    WEAPONS = "weapons"
    SURVEILLANCE = "surveillance"
    CRITICAL_INFRASTRUCTURE = "critical-infrastructure"
    AUTOMATED_DECISIONS = "automated-decisions"
    MEDICAL_ADVICE = "medical-advice"
    LEGAL_ADVICE = "legal-advice"
    FINANCIAL_ADVICE = "financial-advice"
    DISINFORMATION = "disinformation"
    SEXUAL_CONTENT = "sexual-content"
    CSAM = "csam"
    MALWARE = "malware"
    DISCRIMINATION = "discrimination"
    HARASSMENT = "harassment"
    IMPERSONATION = "impersonation"
    SAFETY_CIRCUMVENTION = "safety-circumvention"

    @property
    def description(self) -> str:
        return USE_CASE_DESCRIPTIONS[self]


USE_CASE_DESCRIPTIONS: dict[UseCase, str] = {
    UseCase.CHATBOT: "A conversational assistant for end users.",
    UseCase.CODE_ASSISTANT: "Generating, completing or explaining source code.",
    UseCase.CONTENT_GENERATION: "Generating text, images or other media for publication or for users.",
    UseCase.RESEARCH: "Scientific or academic research and evaluation.",
    UseCase.MILITARY: "Military or warfare applications, or espionage.",
    UseCase.WEAPONS: ("Developing, producing or using weapons (guns, explosives, chemical, biological or nuclear)."),
    UseCase.SURVEILLANCE: (
        "Tracking, monitoring or identifying people, or collecting or inferring sensitive personal data."
    ),
    UseCase.CRITICAL_INFRASTRUCTURE: (
        "Operating critical infrastructure, transportation technologies or heavy machinery."
    ),
    UseCase.AUTOMATED_DECISIONS: (
        "Automated decisions that affect individuals' rights or well-being "
        "(credit, employment, housing, insurance, legal status, social welfare, healthcare)."
    ),
    UseCase.MEDICAL_ADVICE: "Giving medical or health advice to end users.",
    UseCase.LEGAL_ADVICE: "Giving legal advice to end users.",
    UseCase.FINANCIAL_ADVICE: "Giving financial or investment advice to end users.",
    UseCase.DISINFORMATION: "Generating or spreading false or misleading information, or fraud.",
    UseCase.SEXUAL_CONTENT: "Generating sexually explicit content.",
    UseCase.CSAM: "Child sexual abuse material, or any sexual content involving minors.",
    UseCase.MALWARE: "Creating malicious code or attacking computer systems.",
    UseCase.DISCRIMINATION: "Discriminating against individuals or groups, in particular on protected characteristics.",
    UseCase.HARASSMENT: "Harassing, threatening, bullying or defaming people.",
    UseCase.IMPERSONATION: "Impersonating people, or presenting generated output as human-made.",
    UseCase.SAFETY_CIRCUMVENTION: (
        "Circumventing, removing, disabling or weakening the model's safety measures, guardrails or content "
        "filters (e.g. an 'uncensored' or 'abliterated' fine-tune), or enabling functionality the licensor disabled."
    ),
}


class Outcome(StrEnum):
    """What a licence says of a service, worst first (the order is the combining rule's)."""

    FORBIDDEN = "forbidden"
    """The licence does not allow the service as it is."""
    NEEDS_LICENSE = "needs-license"
    """Allowed only with a separate grant from the licensor."""
    UNDETERMINED = "undetermined"
    """The licence's answer depends on a fact the profile lacks, or on an open question."""
    CONDITIONAL = "conditional"
    """Allowed, with obligations."""
    PERMITTED = "permitted"
    """Allowed, with no obligation triggered."""

    @property
    def severity(self) -> int:
        """0 for the worst outcome; larger is better."""
        return _OUTCOME_ORDER.index(self)

    @property
    def refuses(self) -> bool:
        return self in (Outcome.FORBIDDEN, Outcome.NEEDS_LICENSE)


_OUTCOME_ORDER = list(Outcome)


class ObligationKind(StrEnum):
    """Duties a licence attaches to a use."""

    DISPLAY = "display"
    """Display an attribution text (e.g. "Built with Llama")."""
    NAME_PREFIX = "name-prefix"
    """Begin the name of a derived model with a given text."""
    LICENSE_COPY = "license-copy"
    """Give recipients a copy of the licence."""
    NOTICE = "notice"
    """Ship a notice text (e.g. in a "Notice" file)."""
    MARK_MODIFICATIONS = "mark-modifications"
    """Mark modified files with prominent notices."""
    RETAIN_NOTICES = "retain-notices"
    """Keep the existing copyright, patent, trademark and attribution notices."""
    PASS_ON_RESTRICTIONS = "pass-on-restrictions"
    """Pass the use restrictions on to downstream users as an enforceable provision."""
    COMPLY_WITH_POLICY = "comply-with-policy"
    """Comply with a named acceptable-use or usage policy."""
    SHARE_ALIKE = "share-alike"
    """License adaptations under the same (or a compatible) licence."""
    NO_ENDORSEMENT = "no-endorsement"
    """Do not use the licensor's or contributors' names to endorse or promote derived products."""
    REGISTER = "register"
    """Register with the licensor (the text names where)."""
    PROVIDE_SOURCE = "provide-source"
    """Make the corresponding source (the preferred form for making modifications) available to the
    recipients, or to the users of a network service (GPL, AGPL §13, MPL, EPL, EUPL, OSL)."""


class Verification(StrEnum):
    """How the text a licence file formalises was checked (the `verified` line of its header)."""

    PRIMARY = "primary"
    """Read in the licensor's own file or page."""
    COPY = "copy"
    """Read in a verbatim third-party copy of the licensor's text."""
    SECONDARY = "secondary"
    """Only reported by secondary sources: the checker treats dependent terms as unverified."""
    UNVERIFIED = "unverified"
    """No source text found."""
