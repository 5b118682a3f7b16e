"""The check that no output calls an estimated figure "measured" can itself fail."""


def test_measured_claims_finds_a_mislabelled_estimate(measured_claims):
    assert measured_claims("Energy: 0.3 Wh, measured by CodeCarbon") != []
    assert measured_claims("Training energy: Measured vs forecast") != []


def test_measured_claims_allows_the_honest_phrases(measured_claims):
    text = (
        "every figure is flagged measured or estimated; measured/estimated flags; the GPU was "
        "not measured; measured where the machine exposes RAPL counters, otherwise estimated"
    )
    assert measured_claims(text) == []
    assert measured_claims("0.3 Wh estimated (CPU-load model)") == []
