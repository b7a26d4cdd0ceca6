"""Job folder names: short overrides unchanged, long ones cut with a stable hash."""

from imbalance_lab.config.dirnames import MAX_NAME, short_dirname


def test_short_names_are_unchanged():
    assert short_dirname("model=cnn,seed=0") == "model=cnn,seed=0"


def test_long_names_are_cut_unique_and_stable():
    first = "imbalance.method=class_balanced," + "x" * 300 + ",seed=0"
    second = first.replace("seed=0", "seed=1")
    assert len(short_dirname(first)) == MAX_NAME + 9
    assert short_dirname(first) == short_dirname(first)
    assert short_dirname(first) != short_dirname(second)
    assert short_dirname(first).startswith(first[:MAX_NAME] + "~")
