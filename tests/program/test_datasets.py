"""Tests for the dataset generators, the CSV loader and the DataLoader-like BatchLoader."""

import numpy as np
import pytest

from graphstudio.program.datasets import DATASETS, BatchLoader, DatasetError, make_dataset

CLASSIFICATION = {"moons": 2, "circles": 2, "spirals": 2, "xor": 2, "blobs": 3}


def test_names_listed_for_the_editor():
    assert set(DATASETS) == {"linear", "moons", "circles", "spirals", "xor", "blobs", "csv"}


@pytest.mark.parametrize("name, k", CLASSIFICATION.items())
def test_classification_shapes_and_dtypes(name, k):
    x, y = make_dataset(name, n_samples=101)
    assert x.shape == (101, 2) and x.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(k))


@pytest.mark.parametrize("name", ["spirals", "blobs"])
def test_n_classes(name):
    _, y = make_dataset(name, n_samples=100, n_classes=4)
    assert set(np.unique(y)) == {0, 1, 2, 3}


def test_linear_shapes_and_fit():
    x, y = make_dataset("linear", n_samples=50, n_features=3, noise=0.0)
    assert x.shape == (50, 3) and x.dtype == np.float32
    assert y.shape == (50, 1) and y.dtype == np.float32
    # Without noise y is exactly affine in x, so least squares leaves no residual.
    a = np.hstack([x, np.ones((50, 1), np.float32)]).astype(np.float64)
    residual = y - a @ np.linalg.lstsq(a, y, rcond=None)[0]
    assert np.abs(residual).max() < 1e-5


@pytest.mark.parametrize("name", [n for n in DATASETS if n != "csv"])
def test_deterministic_per_seed(name):
    x1, y1 = make_dataset(name, seed=3)
    x2, y2 = make_dataset(name, seed=3)
    x3, _ = make_dataset(name, seed=4)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert not np.array_equal(x1, x3)


@pytest.mark.parametrize("name", ["moons", "circles"])
def test_class_balance(name):
    assert np.bincount(make_dataset(name, n_samples=200)[1]).tolist() == [100, 100]
    assert sorted(np.bincount(make_dataset(name, n_samples=201)[1]).tolist()) == [100, 101]


def test_bad_parameters():
    with pytest.raises(DatasetError, match="unknown dataset 'mnist'"):
        make_dataset("mnist")
    with pytest.raises(DatasetError, match="n_samples"):
        make_dataset("moons", n_samples=0)
    with pytest.raises(DatasetError, match="batch_size"):
        BatchLoader(np.zeros((4, 2)), np.zeros(4), batch_size=0)


# --------------------------------------------------------------------------- BatchLoader


def _loader(n=10, batch_size=4, shuffle=True, seed=0):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    return BatchLoader(x, np.arange(n), batch_size=batch_size, shuffle=shuffle, seed=seed)


def test_every_sample_once_per_epoch_with_partial_last_batch():
    loader = _loader(n=10, batch_size=4)
    assert len(loader) == 3
    epochs = []
    for _ in range(2):
        batches = [loader.next_batch() for _ in range(len(loader))]
        assert [len(yb) for _, yb in batches] == [4, 4, 2]
        for xb, yb in batches:
            assert xb.flags.c_contiguous and yb.flags.c_contiguous
            assert np.array_equal(xb[:, 0], yb * 2)  # x and y stay paired
        seen = np.concatenate([yb for _, yb in batches])
        assert sorted(seen) == list(range(10))
        epochs.append(seen)
        assert loader.epoch == len(epochs)
    assert not np.array_equal(epochs[0], epochs[1])  # a fresh permutation each epoch
    loader.next_batch()
    assert loader.epoch == 3


def test_no_shuffle_keeps_order():
    loader = _loader(n=5, batch_size=2, shuffle=False)
    assert [loader.next_batch()[1].tolist() for _ in range(4)] == [[0, 1], [2, 3], [4], [0, 1]]


def test_reset_replays_a_fresh_loader():
    def take(loader, k):
        return [loader.next_batch()[1].tolist() for _ in range(k)]

    expected = take(_loader(seed=7), 5)  # spans two epochs
    loader = _loader(seed=7)
    take(loader, 4)
    loader.reset()
    assert loader.epoch == 0
    assert take(loader, 5) == expected
    assert take(_loader(seed=8), 5) != expected


# --------------------------------------------------------------------------- CSV


def test_csv_with_header_and_whole_labels(tmp_path):
    (tmp_path / "d.csv").write_text("a,b,label\n1,2,0\n3,4.5,1\n\n5,6,1\n")
    x, y = make_dataset("csv", path="d.csv", base_dir=str(tmp_path))
    assert x.dtype == np.float32 and x.tolist() == [[1, 2], [3, 4.5], [5, 6]]
    assert y.dtype == np.int64 and y.tolist() == [0, 1, 1]


def test_csv_without_header_float_labels(tmp_path):
    (tmp_path / "d.csv").write_text("1,0.5\n2,1.5\n")
    x, y = make_dataset("csv", path="d.csv", base_dir=str(tmp_path), header=False)
    assert x.shape == (2, 1)
    assert y.dtype == np.float32 and y.shape == (2, 1) and y[:, 0].tolist() == [0.5, 1.5]


def test_csv_target_by_name_and_index(tmp_path):
    (tmp_path / "d.csv").write_text("y,a,b\n1,10,20\n0,30,40\n")
    x, y = make_dataset("csv", path="d.csv", base_dir=str(tmp_path), target="y")
    assert x.tolist() == [[10, 20], [30, 40]] and y.tolist() == [1, 0]
    x, y = make_dataset("csv", path="d.csv", base_dir=str(tmp_path), target=0)
    assert y.tolist() == [1, 0]


def test_csv_missing_file_names_the_path(tmp_path):
    with pytest.raises(DatasetError, match="not found.*nope.csv"):
        make_dataset("csv", path="nope.csv", base_dir=str(tmp_path))


def test_csv_bad_cell_names_row_and_column(tmp_path):
    (tmp_path / "d.csv").write_text("a,b,label\n1,2,0\n3,oops,1\n")
    with pytest.raises(DatasetError, match=r"row 3, column 2 is not a number") as error:
        make_dataset("csv", path="d.csv", base_dir=str(tmp_path))
    assert "oops" not in str(error.value) and "'b'" not in str(error.value)  # never what the file holds


def _outside(tmp_path):
    """A graph folder, a private file beside it, and the ways a path could reach that file."""
    graph_dir = tmp_path / "lesson"
    (graph_dir / "sub").mkdir(parents=True)
    secret = tmp_path / "private" / "grades.csv"
    secret.parent.mkdir()
    secret.write_text("name,grade\nSECRET_VALUE,1\n")
    (graph_dir / "link.csv").symlink_to(secret)
    (graph_dir / "linkdir").symlink_to(secret.parent)
    return graph_dir, secret


@pytest.mark.parametrize("path", ["../private/grades.csv", "sub/../../private/grades.csv", "link.csv",
                                  "linkdir/grades.csv", "ABSOLUTE", "/proc/self/environ", "/etc/passwd",
                                  "../../../../../../proc/self/environ", "a\0b.csv"])
def test_csv_paths_stay_inside_the_graphs_folder(tmp_path, path):
    graph_dir, secret = _outside(tmp_path)
    with pytest.raises(DatasetError) as error:
        make_dataset("csv", path=str(secret) if path == "ABSOLUTE" else path, base_dir=str(graph_dir))
    message = str(error.value)
    assert "\n" not in message and "SECRET" not in message and "root:" not in message
    assert "graph's folder" in message


def test_csv_inside_the_folder_through_dots_and_links_is_fine(tmp_path):
    graph_dir, _ = _outside(tmp_path)
    (graph_dir / "d.csv").write_text("a,label\n1,0\n")
    (graph_dir / "sub" / "inner.csv").symlink_to(graph_dir / "d.csv")
    for path in ("d.csv", "sub/../d.csv", "./sub/inner.csv"):
        x, y = make_dataset("csv", path=path, base_dir=str(graph_dir))
        assert x.tolist() == [[1]] and y.tolist() == [0]


def test_csv_without_a_graph_folder_is_relative_to_the_current_one(tmp_path, monkeypatch):
    (tmp_path / "d.csv").write_text("a,label\n1,0\n")
    monkeypatch.chdir(tmp_path)
    assert make_dataset("csv", path="d.csv")[1].tolist() == [0]
    with pytest.raises(DatasetError, match="relative"):
        make_dataset("csv", path=str(tmp_path / "d.csv"))


def test_a_file_that_is_not_a_csv_is_one_line_without_its_contents(tmp_path):
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe" + b"SECRET" * 10)
    (tmp_path / "nul.csv").write_bytes(b"a,b\nSECRET\0,1\n")
    for name in ("bin.csv", "nul.csv"):
        with pytest.raises(DatasetError) as error:
            make_dataset("csv", path=name, base_dir=str(tmp_path))
        assert "SECRET" not in str(error.value)


def test_csv_empty_file(tmp_path):
    (tmp_path / "d.csv").write_text("a,b\n")
    with pytest.raises(DatasetError, match="empty"):
        make_dataset("csv", path="d.csv", base_dir=str(tmp_path))


@pytest.mark.parametrize("name", ["moons", "linear"])
def test_a_huge_sample_count_is_refused_before_allocating(name):
    import time
    import tracemalloc

    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(DatasetError, match=r"n_samples=1000000000 would need .* over the memory limit"):
            make_dataset(name, n_samples=10**9)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20 and time.perf_counter() - start < 1
