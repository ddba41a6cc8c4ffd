"""Explainable multilingual screening of narratives for ILO trafficking and forced-labour indicators."""

from tiaki.screening.detector import Indicator, ScreeningInputError, ScreeningResult, detect

__all__ = ["Indicator", "ScreeningInputError", "ScreeningResult", "detect"]
