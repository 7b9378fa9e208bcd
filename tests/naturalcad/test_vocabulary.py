from naturalcad.geometry.build import STEPS
from naturalcad.spec.schema import SPEC_SCHEMA
from naturalcad.spec.vocabulary import BODIES, FEATURES, FLAT_OUTPUTS, OutputType


def test_the_engine_builds_every_feature_type_of_the_vocabulary_and_no_other():
    assert set(STEPS) == set(FEATURES)


def test_output_types_come_from_the_vocabulary():
    assert SPEC_SCHEMA["properties"]["output_type"]["enum"] == [str(t) for t in OutputType]
    assert {OutputType.VECTOR, OutputType.PATH} == FLAT_OUTPUTS
    assert BODIES and set(FEATURES) > BODIES
