"""Words and numbers in a locale outside the catalogue checks (tests/unit/test_catalogues.py is left out of the
mutation run of metrics/): which regional forms are offered, a month in French, a figure with its uncertainty,
roles, and the trainers' pipeline in the order of its groups. Expected texts written out by hand (French month
abbreviations and Luxembourg's grouping as CLDR publishes them)."""
import datetime as dt

import pandas as pd
import pytest

import metrics
from metrics import formatting, i18n, labels


@pytest.fixture
def french():
    i18n.use("fr")
    yield
    i18n.use(i18n.SOURCE)


@pytest.mark.parametrize("tag, expected", [("es-BO", "es_BO"), ("en-IN", "en_IN"), ("fr-LU", "fr_LU"),
                                           ("de-DE", None), ("xx", None)])
def test_a_browser_tag_is_read_with_its_region(tag, expected):
    assert i18n.supported(tag) == expected


def test_a_regional_form_is_offered_when_only_its_grouping_differs():
    # French groups thousands with a narrow space (1 234,5), Luxembourg's French with a point (1.234,5): the
    # same decimal comma and pattern, another group symbol
    offered = i18n.offered("fr-LU")
    assert offered.index("fr_LU") == offered.index("fr") + 1
    assert i18n.offered("fr-FR") == list(i18n.languages())


def test_a_whole_month_in_french(french):
    assert formatting.span(dt.date(2025, 1, 1), dt.date(2025, 1, 31)) == "janv. 2025"


def test_a_figure_with_its_uncertainty_and_without_a_unit():
    assert formatting.amount_with_uncertainty(1234.0, 56.0, "MWh per year") == "1,234 ± 56 MWh per year"
    assert formatting.amount_with_uncertainty(1234.0, 56.0, "") == "1,234 ± 56"


def test_an_unknown_role_reads_as_given():
    assert labels.role_label("officer") == "officer"
    assert labels.role_label("auditor") == "auditor"
    assert labels.role_label(None) == ""


def test_the_pipeline_per_partner_comes_in_the_partners_order():
    trainers = pd.DataFrame({"partner": ["Zeta", "Alpha", "Zeta", "Mid"],
                             "status": ["certified", "", "candidate", "recommended"]})
    out = metrics.trainer_pipeline(trainers, by="partner")
    assert out["partner"].tolist() == ["Alpha", "Mid", "Zeta"]
    assert out["trainers"].tolist() == [1, 1, 2]
    assert out["not recorded"].tolist() == [1, 0, 0] and out["certified"].tolist() == [0, 0, 1]
