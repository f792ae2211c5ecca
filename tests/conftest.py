import pytest

from .factories import UnitFactory, unit_type


@pytest.fixture
def org(db):
    """A small municipality: kommun → nämnd → förvaltning → two avdelningar,
    each with two enheter."""
    kommun = UnitFactory(name="Provköpings kommun", code="K", unit_type=unit_type("Kommun"))
    namnd = UnitFactory(
        name="Socialnämnden", code="SN", parent=kommun, unit_type=unit_type("Nämnd")
    )
    forv = UnitFactory(
        name="Socialförvaltningen", code="SF", parent=namnd, unit_type=unit_type("Förvaltning")
    )
    avd_a = UnitFactory(
        name="Äldreomsorg", code="AO", parent=forv, unit_type=unit_type("Avdelning")
    )
    avd_b = UnitFactory(
        name="Individ och familj", code="IFO", parent=forv, unit_type=unit_type("Avdelning")
    )
    units = {
        "kommun": kommun,
        "namnd": namnd,
        "forv": forv,
        "avd_a": avd_a,
        "avd_b": avd_b,
        "enhet_a1": UnitFactory(name="Solgårdens äldreboende", code="AO1", parent=avd_a),
        "enhet_a2": UnitFactory(name="Hemtjänst Norr", code="AO2", parent=avd_a),
        "enhet_b1": UnitFactory(name="Barn och unga", code="IFO1", parent=avd_b),
        "enhet_b2": UnitFactory(name="Vuxenenheten", code="IFO2", parent=avd_b),
    }
    return units
