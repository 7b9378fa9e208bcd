import pytest

from naturalcad.errors import CodedError
from naturalcad.spec.validate import validate_spec


def spec(features, **extra) -> dict:
    return {
        "spec_version": "1.1",
        "mode": "part",
        "output_type": "3d_solid",
        "units": "mm",
        "geometry": {"features": features},
        **extra,
    }


BOX = {"name": "body", "feature_type": "box", "length": 30, "width": 20, "height": 10}


def test_sizes_are_resolved_to_millimetres_through_dimensions():
    box = {**BOX, "length": "span"}
    resolved = validate_spec(spec([box], units="cm", dimensions={"span": 12}))
    assert resolved["units"] == "mm"
    assert resolved["geometry"]["features"][0]["length"] == pytest.approx(120)
    assert resolved["geometry"]["features"][0]["height"] == pytest.approx(100)


@pytest.mark.parametrize(
    ("document", "code", "path"),
    [
        (
            spec([{**BOX, "feature_type": "teapot"}]),
            "spec_invalid",
            "$.geometry.features[0].feature_type",
        ),
        (spec([{**BOX, "length": float("nan")}]), "spec_invalid", "$.geometry.features[0].length"),
        (spec([{**BOX, "length": float("inf")}]), "spec_invalid", "$.geometry.features[0].length"),
        (spec([{**BOX, "length": 0.001}]), "size_out_of_range", "$.geometry.features[0].length"),
        (spec([{**BOX, "length": 20000}]), "size_out_of_range", "$.geometry.features[0].length"),
        (spec([{**BOX, "length": "nope"}]), "dangling_reference", "$.geometry.features[0].length"),
        (spec([{**BOX, "length": True}]), "spec_invalid", "$.geometry.features[0].length"),
        (
            spec([{**BOX, "code": "import os"}]),
            "spec_invalid",
            "$.geometry.features[0].code",
        ),
        (spec([BOX, BOX]), "duplicate_name", "$.geometry.features[1].name"),
        (
            spec([{"name": "h", "feature_type": "hole", "diameter": 3, "positions": [[0, 0]]}]),
            "nothing_to_build",
            "$.geometry.features",
        ),
        (
            spec(
                [
                    BOX,
                    {
                        "name": "h",
                        "feature_type": "hole",
                        "diameter": 3,
                        "positions": [[0, 0]],
                        "target": "ghost",
                    },
                ]
            ),
            "dangling_reference",
            "$.geometry.features[1].target",
        ),
        (spec([]), "spec_invalid", "$.geometry.features"),
        ({**spec([BOX]), "spec_version": "0.9"}, "spec_invalid", "$.spec_version"),
        ({**spec([BOX]), "units": "furlong"}, "spec_invalid", "$.units"),
        # a reader that cannot make the part says so; the stand-in geometry is never built
        ({**spec([BOX]), "cannot_build": "not a part"}, "cannot_build", "$.cannot_build"),
        ({**spec([]), "cannot_build": "not a part"}, "cannot_build", "$.cannot_build"),
    ],
)
def test_refused_specs_name_their_code_and_path(document, code, path):
    with pytest.raises(CodedError) as caught:
        validate_spec(document)
    assert (caught.value.code, caught.value.path) == (code, path)


def _signature(document):
    from naturalcad.spec.signature import canonical_signature

    return canonical_signature(validate_spec(document))


def test_the_canonical_signature_ignores_what_does_not_change_the_part():
    base = spec([BOX])
    same_in_cm = spec([{**BOX, "length": 3, "width": 2, "height": 1}], units="cm")
    renamed = spec([{**BOX, "name": "other"}], notes=["a note"], intent="a block")
    via_dimension = spec([{**BOX, "length": "l"}], dimensions={"l": 30})
    assert len({_signature(d) for d in (base, same_in_cm, renamed, via_dimension)}) == 1


def test_the_canonical_signature_changes_with_the_part():
    base = _signature(spec([BOX]))
    assert _signature(spec([{**BOX, "length": 31}])) != base
    assert _signature({**spec([BOX]), "mode": "assembly"}) != base
    assert _signature({**spec([BOX]), "output_type": "surface"}) != base
