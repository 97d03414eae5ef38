"""The glossary: the programme's domain terms, fixed once per language.

Each term is a catalogue entry with the context "glossary" (``msgctxt "glossary"``), translated
in every language's messages.po like any other word; a translation may list the forms it takes
(singular, plural) separated by " | ". tests/unit/test_catalogues.py checks that every message
using a term uses one of its translation's forms, so 'baseline' is the same word on every page,
in every file and on the command line.
"""
from __future__ import annotations

from metrics.i18n import NP_

#: (English term, what it means: a note for translators)
TERMS = (
    NP_("glossary", "baseline"),            # the figures before training, the reference period
    NP_("glossary", "follow-up"),           # the figures after training, compared with the baseline
    NP_("glossary", "yield"),               # good output as a share of input (rubber: 78 % -> 95 %)
    NP_("glossary", "materials wasted"),    # input material that does not become product
    NP_("glossary", "implementation partner"),  # the organisation that delivers SCORE locally
    NP_("glossary", "improvement action"),  # a change an enterprise makes after training
    NP_("glossary", "enterprise"),          # a small or medium enterprise (SME) trained
    NP_("glossary", "trainer"),             # the SCORE trainer who coaches the enterprise
    NP_("glossary", "hand-over report"),    # the report handed to the enterprise
    NP_("glossary", "energy carrier"),      # electricity, natural gas, diesel...
    NP_("glossary", "production"),          # the enterprise's output, the denominator of intensities
    NP_("glossary", "degree days"),         # heating/cooling degree days of a period
)
