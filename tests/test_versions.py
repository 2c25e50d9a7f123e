"""rnn_utils.versions: the floors come from the package metadata; old versions get a clear error."""

import pytest

from rnn_utils.versions import check_versions, minimum_versions, too_old


def test_floors_are_read_from_the_package_metadata():
    floors = minimum_versions()
    assert set(floors) == {"keras", "tensorflow", "numpy"}
    assert all(value[0].isdigit() for value in floors.values())


def test_the_installed_environment_passes():
    assert too_old() == []
    check_versions()


def test_an_old_keras_is_named_with_its_floor_and_the_fix():
    floor = minimum_versions()["keras"]
    with pytest.raises(ImportError) as error:
        check_versions({"keras": "3.3.3", "tensorflow": "99.0", "numpy": "9.0"})
    message = str(error.value)
    assert f"keras 3.3.3 (needs >= {floor})" in message
    assert f"pip install -U 'keras>={floor}'" in message and "Restart" in message
    assert "tensorflow" not in message


def test_release_comparison_is_numeric_and_ignores_local_tags():
    floor = minimum_versions()["tensorflow"]
    major, minor = (int(part) for part in floor.split(".")[:2])
    assert too_old({"tensorflow": f"{major}.{minor + 10}.0+cpu"}) == []  # 2.28 > 2.18, not "<"
    assert too_old({"tensorflow": f"{major}.{minor - 1}.9rc1"}) != []
