import pytest
from django.core.exceptions import ImproperlyConfigured

from naturalcad.env import env_bool, env_int, env_list


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("YES", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


@pytest.mark.parametrize("raw", ["ten", "1.5", "-3"])
def test_env_int_refuses_non_integers_and_out_of_range(monkeypatch, raw):
    monkeypatch.setenv("X_INT", raw)
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 5, minimum=0)


def test_env_int_and_list_defaults_and_values(monkeypatch):
    assert env_int("X_UNSET_INT", 7) == 7
    monkeypatch.setenv("X_INT", " 42 ")
    assert env_int("X_INT", 7) == 42
    monkeypatch.setenv("X_LIST", "a.example, b.example ,,")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


@pytest.mark.parametrize("raw", ["cheap", "nan", "-0.5"])
def test_env_float_refuses_non_numbers_and_negatives(monkeypatch, raw):
    from naturalcad.env import env_float

    monkeypatch.setenv("X_FLOAT", raw)
    with pytest.raises(ImproperlyConfigured, match="X_FLOAT"):
        env_float("X_FLOAT", 1.0)
