"""Reading OffensEval TSV files."""

from __future__ import annotations

from pathlib import Path

import pytest

from torget.screening.dataset import DatasetError, read_offenseval_tsv, score


def test_reads_posts_and_lists_lines_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "posts.tsv"
    path.write_bytes(
        "\ufeffid\ttweet\tsubtask_a\r\n"
        '1\tDu er "sød"\u2028ikke?\tNOT\r\n'
        "2\tdit svin\tOFF\n"
        "\n"
        "3    [deleted]   NOT\n"
        "4\thej\tMAYBE\n".encode()
    )
    posts = read_offenseval_tsv(path)
    assert posts.examples == [('Du er "sød"\u2028ikke?', False), ("dit svin", True)]
    assert [number for number, _ in posts.skipped] == [5, 6]


@pytest.mark.parametrize(
    "content",
    [b"", b"text\tlabel\nhej\tNOT\n", b"id\ttweet\tsubtask_a\n", b"id\ttweet\tsubtask_a\n\xff\n"],
)
def test_unusable_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "posts.tsv"
    path.write_bytes(content)
    with pytest.raises(DatasetError):
        read_offenseval_tsv(path)


def test_scores() -> None:
    result = score([True, True, False, False], [True, False, True, False])
    assert (result.precision, result.recall) == (0.5, 0.5)
    assert result.macro_f1 == 0.5
    perfect = score([True, False], [True, False])
    assert perfect.macro_f1 == 1.0
