"""An organisation's page shows the news events it is in, with sentence and digest date."""

from __future__ import annotations

import json
from pathlib import Path

DIGEST = """Tuesday 3 March 2015

News Summary of Collaboration and Shared Services from 3rd March 2015

************
Welsh Reorganisation

Neath Port Talbot and Swansea councils open merger talks

The leaders of Neath Port Talbot Council and Swansea Council have agreed to begin formal \
talks about merging the two authorities. Read more >>>

Receive this Shared Service News Summary into your inbox every week. Just register on our website.
"""


def test_orgs_show_lists_the_event_with_sentence_and_digest_date(kg, tmp_path: Path) -> None:
    digest = tmp_path / "digest.txt"
    digest.write_text(DIGEST, encoding="utf-8")
    result = kg("import", str(digest))
    assert result.exit_code == 0, result.output
    shown = kg("orgs", "show", "Swansea")
    assert shown.exit_code == 0, shown.output
    assert "news events (1):" in shown.stdout
    assert "2015-03-03 merger-talks: Neath Port Talbot and Swansea councils open merger talks" in (
        shown.stdout
    )
    assert "formal talks about merging" in shown.stdout  # the sentence
    assert "(2015-03-03)" in shown.stdout  # the digest's date
    detail = json.loads(kg("orgs", "show", "Swansea", "--json").stdout)[0]
    assert detail["events"][0]["digest_date"] == "2015-03-03"
