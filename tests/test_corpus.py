"""Kompose's own fixtures: each converts to a valid tree or is refused with a message."""
from __future__ import annotations

import pytest

from tools.corpus import main

from .conftest import CORPUS, needs_shared


@needs_shared
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_kompose_fixtures_convert_or_are_refused(capsys):
    code = main([str(CORPUS), "--only", "kompose-fixtures"])
    out = capsys.readouterr().out
    print(out.strip().splitlines()[-1])
    assert "0 crashes, 0 invalid trees" in out
    assert code == 0
