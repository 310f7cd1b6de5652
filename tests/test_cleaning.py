"""Site chrome is removed by general rules; article text is kept whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.articles import fields_from_html, load_articles, parse_front_matter, read_article
from index.cleaning import clean_page, is_byline, is_chrome
from tests.conftest import DATA, SEEDS

SEED = SEEDS / "000_03e83c080a8e0dcc.txt"
SEED_CHROME = [
    "Please Wait",
    "Loyal to the Pledge",
    "folder_open",
    "access_time",
    "days ago",
    "Add to favorites",
    "starAdd",
    "By Staff",
    "Comments",
]


def test_seed_chrome_is_gone_and_body_intact() -> None:
    article = read_article(SEED, SEEDS)
    for chrome in SEED_CHROME:
        assert chrome not in article.text
    raw = SEED.read_text(encoding="utf-8")
    body = [line for line in raw.splitlines() if len(line.split()) >= 12 and line.endswith((".", ".”"))]
    assert len(body) == 12
    for paragraph in body:
        assert paragraph in article.text
    assert article.text.startswith("The first direct peace negotiations")
    assert article.text.endswith("aimed at territorial expansion.")


def test_seed_headline_becomes_the_title_once() -> None:
    article = read_article(SEED, SEEDS)
    assert article.title == (
        "First Direct Russia-Ukraine Peace Talks Since 2022 Set for Istanbul Without Putin or Zelensky"
    )
    assert article.title not in article.text


def test_same_rules_clean_another_scraped_page() -> None:
    article = read_article(DATA / "scraped_other.txt", DATA)
    assert article.title == "Ukraine Talks Resume in Geneva as Envoys Trade Prisoner Lists"
    assert article.published == "2026-03-03"
    assert article.text.split("\n\n") == [
        "Negotiators from Kyiv and Moscow met in Geneva on Monday for a second round of talks "
        "focused on humanitarian issues.",
        "Both sides handed over lists of prisoners they are ready to exchange, a Swiss official said.",
        "Next week, the delegations plan to discuss a partial ceasefire covering energy infrastructure.",
    ]


def test_html_goes_through_the_main_text_extractor() -> None:
    article = read_article(DATA / "article.html", DATA)
    assert article.title == "Envoys agree on prisoner swap framework"
    assert article.source == "Example Wire"
    assert article.url == "https://wire.example.org/2026/04/02/prisoner-swap"
    assert article.published == "2026-04-02"
    assert article.text.startswith("Russian and Ukrainian envoys agreed in Istanbul")
    for chrome in ("cookies", "Most read", "Markets fall", "All rights reserved", "Subscribe"):
        assert chrome not in article.text


@pytest.mark.parametrize(
    "line",
    [
        "Please Wait...",
        "folder_openMore from Europe access_time 16 days ago",
        "starAdd to favorites",
        "Comments",
        "12 Comments",
        "chat_bubble_outline 12 comments",
        "Share",
        "Read more",
        "© 2026 World News Daily. All rights reserved.",
        "Загрузка...",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        "Next week, the delegations plan to discuss a partial ceasefire.",
        "Talks resume today.",
        "Share prices fell as the talks stalled in Istanbul on Monday.",
    ],
)
def test_short_sentences_are_not_chrome(line: str) -> None:
    assert not is_chrome(line)


def test_paragraphs_opening_as_bylines_do_are_kept(tmp_path: Path) -> None:
    paragraphs = [
        "Negotiators from a dozen countries met in Copenhagen on Saturday to discuss the Ukrainian peace formula.",
        "By Yermak's account, officials from more than a dozen countries took part, Brazil's Celso Amorim among them.",
        "By then, the talks had run for six hours.",
        "От переговоров в Стамбуле ждали обмена пленными.",
    ]
    page = tmp_path / "a.md"
    page.write_text("---\ntitle: Talks\n---\n\nBy Andrew Roth in Moscow\n\n" + "\n\n".join(paragraphs) + "\n")
    article = read_article(page, tmp_path)
    assert article.text.split("\n\n") == paragraphs
    assert clean_page("Talks in Copenhagen\nBy Staff, Agencies\n" + paragraphs[1]).byline == "By Staff, Agencies"


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("By Staff, Agencies", True),
        ("By Andrew Roth in Moscow, Shaun Walker in Kyiv and Pjotr Sauer in Riga", True),
        ("By Jane Doe, Reuters.", True),
        ("By Jane Doe and John Roe, Reuters. Published March 3, 2026 at 10:15 a.m.", True),
        ("Автор: Иван Петров", True),
        ("By Yermak's account, officials from more than a dozen countries took part.", False),
        ("By then, the talks had run for six hours.", False),
        ("By Monday, Kyiv said.", False),
        ("От переговоров в Стамбуле ждали обмена пленными.", False),
    ],
)
def test_a_byline_is_told_from_a_sentence_by_its_shape(line: str, byline: bool) -> None:
    assert is_byline(line) == byline
    assert clean_page(f"Talks in Geneva\n{line}\n{NEXT}", "Talks in Geneva").text.startswith(NEXT) == byline


LEAD = "Talks will resume on Monday, officials said."  # shorter than a paragraph that always ends a page's head
NEXT = "The delegations are expected to meet in Istanbul for a third round of direct negotiations since May."


def test_a_short_lead_is_kept_where_the_headline_is_known(tmp_path: Path) -> None:
    page = tmp_path / "a.md"
    page.write_text(f"---\ntitle: Talks resume\n---\n\nTalks resume\n\n{LEAD}\n\n{NEXT}\n", encoding="utf-8")
    article = read_article(page, tmp_path)
    assert (article.title, article.text) == ("Talks resume", f"{LEAD}\n\n{NEXT}")
    html = (
        "<html><head><title>Talks resume in Istanbul</title></head><body><header>Menu</header><article>"
        f"<h1>Talks resume in Istanbul</h1><p>{LEAD}</p><p>{NEXT}</p><p>{NEXT.replace('May', 'June')}</p>"
        "</article></body></html>"
    )
    fields = fields_from_html(html)
    assert fields["title"] == "Talks resume in Istanbul"
    assert fields["text"].split("\n\n")[:2] == [LEAD, NEXT]


@pytest.mark.parametrize(
    "known",
    ["TALKS  RESUME IN ISTANBUL", "Talks resume in Istanbul | Reuters", "Talks resume in Istanbul — Reuters"],
)
def test_the_known_headline_is_found_on_the_page_however_it_is_written(known: str) -> None:
    page = clean_page(f"News you can trust.\nTalks resume in Istanbul\n{LEAD}\n{NEXT}", known)
    assert page.title == " ".join(known.split())
    assert page.text == f"{LEAD}\n\n{NEXT}"  # what stood above the headline is no text of the article


def test_a_paragraph_that_opens_with_the_headlines_words_is_text() -> None:
    page = clean_page(f"Talks resume in Istanbul\n{LEAD}\nTalks resume in Istanbul after a pause, officials said.", "")
    assert page.title == "Talks resume in Istanbul"
    assert page.text == f"{LEAD}\n\nTalks resume in Istanbul after a pause, officials said."


POINTS = ["A ceasefire along the current front line", "Ukraine's army capped at 600,000 troops"]
RELATED = ["Kremlin says talks were constructive", "Europe drafts its own plan"]


def test_the_points_of_a_list_the_text_introduces_are_text_and_a_list_of_links_is_not() -> None:
    html = (
        "<html><head><title>What is in the peace plan</title></head><body><nav><ul><li>World news</li>"
        f"<li>Europe and Russia</li></ul></nav><article><h1>What is in the peace plan</h1><p>{NEXT}</p>"
        f"<p>The plan also includes:</p><ul>{''.join(f'<li>{p}</li>' for p in POINTS)}</ul><p>{LEAD}</p>"
        f"<p>Read more of our coverage of the talks:</p><ul>{''.join(f'<li>{r}</li>' for r in RELATED)}</ul>"
        "</article></body></html>"
    )
    text = fields_from_html(html)["text"]
    assert text.split("\n\n") == [NEXT, "The plan also includes:", *(f"- {p}" for p in POINTS), LEAD]
    menu = clean_page(f"{NEXT}\n- World news\n- Europe and Russia\n{LEAD}", "Talks").text
    assert menu == f"{NEXT}\n\n{LEAD}"  # a list nothing introduces is a menu
    russian = clean_page(f"{NEXT}\nОсновные пункты плана:\n1. Прекращение огня по линии фронта\n{LEAD}", "T").text
    assert "1. Прекращение огня по линии фронта" in russian


def test_quotes_around_a_front_matter_value_go_and_a_titles_own_quotes_stay() -> None:
    raw = '---\ntitle: "I did what I came to do": Biden leaves Geneva\nsource: "Reuters"\n---\n\nText.\n'
    meta, _ = parse_front_matter(raw)
    assert meta["title"] == '"I did what I came to do": Biden leaves Geneva' and meta["source"] == "Reuters"


def test_front_matter_gives_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: Talks in Riyadh\nsource: Example Times\nurl: https://example.org/riyadh\n"
        "published: 2026-02-01\n---\n# Ignored heading\n\nDelegations met in **Riyadh** on Saturday "
        "for talks on a ceasefire in the Black Sea.\n",
        encoding="utf-8",
    )
    articles, skipped = load_articles(tmp_path)
    assert skipped == []
    [a] = articles
    assert (a.title, a.source, a.url, a.published) == (
        "Talks in Riyadh",
        "Example Times",
        "https://example.org/riyadh",
        "2026-02-01",
    )
    assert a.text == "Delegations met in Riyadh on Saturday for talks on a ceasefire in the Black Sea."


def test_no_front_matter_leaves_text() -> None:
    meta, body = parse_front_matter("no fence here\n")
    assert meta == {} and body == "no fence here\n"


def test_broken_files_are_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00garbage\x80")
    (tmp_path / "empty.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (tmp_path / "chrome.txt").write_text("Loading...\nShare\nComments\n", encoding="utf-8")
    articles, skipped = load_articles(tmp_path)
    assert [a.id for a in articles] == ["good"]
    assert sorted(Path(s.path).name for s in skipped) == ["binary.txt", "chrome.txt", "empty.html"]
    assert all(s.reason for s in skipped)


def test_clean_page_of_nothing() -> None:
    assert clean_page("").text == ""


def test_broken_and_looping_symlinks_are_named_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (tmp_path / "loop.md").symlink_to("loop.md")
    (tmp_path / "archive").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "linked").symlink_to(DATA)
    (tmp_path / "good-link.txt").symlink_to("good.txt")
    articles, skipped = load_articles(tmp_path)
    assert sorted(a.id for a in articles) == ["good", "good-link"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons == {
        "archive": f"a broken symlink: its target {tmp_path / 'elsewhere'} does not exist",
        "gone.txt": f"a broken symlink: its target {tmp_path / 'deleted.txt'} does not exist",
        "linked": "a symlink to a folder: linked folders are not read",
        "loop.md": "a symlink loop: it never reaches a file",
    }


PROSE = "Delegations met in Istanbul on Thursday for the first direct talks since 2022, officials said."
CONTROLS = "\x00\x07\x1b[31m\x1b[1;4m\x08\x0e\x1f\x7f\x80\x9b2J\x1b]0;title\x07\x1b[0m"
ESCAPED = "&#x1b;[1m&#27;[0m&#0;"  # control characters as HTML character references


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("a.txt", f"Talks{CONTROLS} in Istanbul\n\n{PROSE.replace('Istanbul', CONTROLS + 'Istanbul')}\n"),
        ("a.md", f"---\ntitle: Talks{CONTROLS} in Istanbul\n---\n{PROSE.replace('met', 'met' + CONTROLS)}\r\n"),
        (
            "a.html",
            f"<html><head><title>Talks in Istanbul</title></head><body><article><h1>Talks{CONTROLS} in Istanbul</h1>"
            f"<p>{PROSE.replace('Thursday', 'Thurs' + ESCAPED + 'day' + CONTROLS)}</p></article></body></html>",
        ),
    ],
    ids=["txt", "md", "html"],
)
def test_control_characters_never_reach_quotes(tmp_path: Path, name: str, raw: str) -> None:
    (tmp_path / name).write_text(raw, encoding="utf-8")
    [article], skipped = load_articles(tmp_path)
    assert skipped == []
    assert article.title == "Talks in Istanbul"
    assert PROSE in article.text
    for text in (article.text, article.title):
        assert not [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F], repr(text)
        assert "[31m" not in text and "[0m" not in text and "2J" not in text
