"""What a run records about its machine and software."""

from greennb.runs import RECORDED_LIBRARIES, environment_info, library_versions


def test_library_versions_name_every_recorded_library():
    versions = library_versions()
    assert list(versions) == list(RECORDED_LIBRARIES)
    assert versions["greennb"] and versions["numpy"]


def test_environment_info_describes_the_machine():
    info = environment_info()
    assert set(info) == {"python", "platform", "machine", "cpu_count", "libraries", "device"}
    assert info["cpu_count"] >= 1
