"""Screen a text for trafficking indicators without storing it (partners' own intake systems call this)."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from tiaki.accounts.permissions import Permission
from tiaki.api.access import declares
from tiaki.api.schemas import Invalid
from tiaki.governance import policy
from tiaki.screening import ScreeningInputError, detect

router = Router(tags=["screening"])


class ScreenIn(Schema):
    text: str = Field(..., max_length=100_000)
    lang: str | None = Field(None, max_length=8, description="a language code, or omit to detect it")


class IndicatorOut(Schema):
    code: str
    evidence: str
    start: int
    end: int
    strength: Literal["strong", "medium", "weak"]
    source: Literal["rules", "model", "answers"] = Field(
        "rules",
        description=(
            "rules: a rule matched the evidence; model: suggested by the text model, the evidence being "
            "the sentence it rests on most"
        ),
    )


class ExploitationOut(Schema):
    code: str = Field(..., description="an HTCDS exploitation type, e.g. SexualExploitation, ForcedLabour")
    evidence: str
    start: int
    end: int
    source: Literal["rules", "model"] = Field(
        "rules",
        description=(
            "rules: a cue (or, for child labour, the stated age) matched the evidence; model: suggested by "
            "the text model, the evidence being the sentence it rests on most"
        ),
    )


class ScreenOut(Schema):
    language: str
    indicators: list[IndicatorOut]
    exploitation_types: list[ExploitationOut] = Field(
        default_factory=list,
        description="forms of exploitation the text describes; they do not change the score",
    )
    score: float = Field(..., ge=0, le=1)
    level: Literal["none", "low", "medium", "high"]
    ruleset_version: str
    set_aside: list[str] = Field(
        default_factory=list,
        description="indicator codes the rules found but the text model set aside as unlikely in this text",
    )


@router.post(
    "",
    response={200: ScreenOut, 422: Invalid},
    summary="Screen a text; nothing is stored",
    openapi_extra=declares(Permission.SCREENING_RUN),
)
def screen(request: HttpRequest, payload: ScreenIn) -> Status[dict[str, object]]:
    policy.require(request.auth, Permission.SCREENING_RUN)  # type: ignore[attr-defined]
    try:
        result = detect(payload.text, lang=payload.lang, explain=True)
    except ScreeningInputError as error:
        return Status(422, {"detail": "Cannot screen this text", "errors": {"text": [str(error)]}})
    return Status(200, result.as_dict())
