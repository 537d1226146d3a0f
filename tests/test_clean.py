"""Unit tests of the cleaner: structure, metadata, references, plain-text boilerplate."""

from __future__ import annotations

import json

import pytest

from extractors.clean import CleanError, clean, looks_like_citation, main_text
from extractors.clean_meta import parse_date

PARA = ("Maintenance therapy with lenalidomide after transplant prolonged progression-free survival "
        "in the randomized phase 3 trial, with a median of 52.8 months versus 23.5 months for placebo.")


def article_page(extra_head: str = "", body_top: str = "", refs: str = "") -> str:
    return f"""<!doctype html><html><head><title>Lenalidomide maintenance | Myeloma News</title>
<meta property="og:site_name" content="Myeloma News">
<link rel="canonical" href="https://example.org/news/len-maintenance">
{extra_head}</head><body>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<div class="sidebar"><h3>Popular</h3><ul><li><a href="/a">Another story about something else</a></li></ul></div>
<article><h1>Lenalidomide maintenance</h1>{body_top}
<p>{PARA}</p>
<h2>Results</h2>
<p>Overall survival was longer as well. {PARA}</p>
<ul><li>Median PFS was 52.8 months in the lenalidomide group.</li><li>Median PFS was 23.5 months with placebo.</li></ul>
<blockquote>We believe this changes practice, said the investigator of the trial in an interview.</blockquote>
{refs}
</article>
<div class="related-articles"><h3>Related</h3><p><a href="/x">A related article headline that is rather long indeed</a></p></div>
<footer><p>Copyright 2024 Myeloma News. All rights reserved.</p></footer>
</body></html>"""


def check_offsets(doc) -> None:
    assert doc.blocks
    for b in doc.blocks:
        piece = doc.text[b.start : b.end]
        assert piece and piece == piece.strip()
    starts = [b.start for b in doc.blocks]
    assert starts == sorted(starts)
    pieces = [doc.text[b.start : b.end] for b in doc.blocks]
    assert "\n\n".join(pieces) == doc.text


def test_html_structure_and_offsets():
    doc = clean(article_page(), source="https://example.org/news/len-maintenance")
    check_offsets(doc)
    kinds = [(b.kind, doc.text[b.start:b.end]) for b in doc.blocks]
    assert kinds[0] == ("title", "Lenalidomide maintenance")
    assert ("heading", "Results") in kinds
    assert any(k == "list_item" and "23.5 months with placebo" in t for k, t in kinds)
    assert any(k == "quote" for k, _ in kinds)
    heading = next(b for b in doc.blocks if b.kind == "heading")
    assert heading.level == 2
    assert doc.section_of(doc.text.index("Overall survival")) == "Results"
    for furniture in ("Home", "Another story", "related article headline", "Copyright"):
        assert furniture not in doc.text


def test_main_text_leaves_out_title_and_furniture():
    text = main_text(article_page())
    assert text.startswith("Maintenance therapy with lenalidomide")
    assert "Popular" not in text and "Copyright" not in text


def test_metadata_from_meta_tags():
    head = ('<meta property="article:published_time" content="2021-05-11T08:00:00Z">'
            '<meta name="author" content="Jane Doe">')
    doc = clean(article_page(head), source="s")
    assert doc.title == "Lenalidomide maintenance"
    assert doc.date == "2021-05-11"
    assert doc.authors == ["Jane Doe"]
    assert doc.canonical_url == "https://example.org/news/len-maintenance"
    assert doc.site_name == "Myeloma News"


def test_metadata_from_json_ld():
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "Len wins", "datePublished": "2020-02-03",
         "author": [{"@type": "Person", "name": "A. Writer"}, {"@type": "Person", "name": "B. Editor"}],
         "publisher": {"@type": "Organization", "name": "Onco Daily"}}]}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    doc = clean(article_page(head), source="s")
    assert doc.date == "2020-02-03"
    assert doc.authors == ["A. Writer", "B. Editor"]
    assert doc.title == "Len wins"
    assert doc.site_name == "Onco Daily"


def test_visible_date_and_byline_and_time_tag():
    doc = clean(article_page(body_top="<p>By Jane Roe</p><p>Updated: May 11, 2021</p>"), source="s")
    assert doc.date == "2021-05-11"
    assert doc.authors == ["Jane Roe"]
    doc = clean(article_page(body_top='<time datetime="2019-11-19">Nov 19</time>'), source="s")
    assert doc.date == "2019-11-19"


@pytest.mark.parametrize("text,expected", [
    ("2021-05-11T10:00:00Z", "2021-05-11"), ("May 11, 2021", "2021-05-11"), ("11 May 2021", "2021-05-11"),
    ("Sept. 3, 2020", "2020-09-03"), ("5/11/2021", "2021-05-11"), ("11.05.2021", "2021-05-11"),
    ("2/2023", None), ("no date", None), ("2021-02-30", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_reference_list_under_heading_is_kept_as_reference_blocks():
    refs = ("<h2>References</h2><ol>"
            "<li>Attal M, Lauwers-Cances V, Marit G, et al. Lenalidomide maintenance after stem-cell "
            "transplantation. N Engl J Med. 2012;366:1782-1791.</li>"
            "<li>McCarthy PL, Owzar K. Lenalidomide after stem-cell transplantation. N Engl J Med. 2012;366:1770-81.</li>"
            "</ol>")
    doc = clean(article_page(refs=refs), source="s")
    check_offsets(doc)
    ref_blocks = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "reference"]
    assert len(ref_blocks) == 2 and ref_blocks[0].startswith("Attal M")
    # the article's own list is not a reference list
    assert any(b.kind == "list_item" for b in doc.blocks)


def test_citation_runs_without_heading():
    text = ("Lenalidomide maintenance\n\n" + PARA + "\n\n"
            "1. Attal M, Lauwers-Cances V, et al. Lenalidomide Maintenance. N Engl J Med. 2012; 366:1782-1791.\n"
            "2. Palumbo A, Hajek R, et al. Continuous Lenalidomide Treatment. N Engl J Med. 2012; 366:1759-1769.\n")
    doc = clean(text, source="s", content_type="text/plain")
    assert [b.kind for b in doc.blocks][-2:] == ["reference", "reference"]
    assert looks_like_citation("Holstein SA, Jung SH. Updated analysis. Lancet Haematol. 2017;4:e431-42. - PubMed")
    assert not looks_like_citation(PARA)


def test_tables_and_captions():
    page = ("<html><body><article><p>" + PARA + "</p><table><tr><th>Arm</th><th>PFS</th></tr>"
            "<tr><td>Lenalidomide</td><td>52.8 months</td></tr></table>"
            "<figure><img src=x.png><figcaption>Figure 1. Kaplan-Meier curves of progression-free survival.</figcaption></figure>"
            "<p>" + PARA + "</p></article></body></html>")
    doc = clean(page, source="s")
    check_offsets(doc)
    cells = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "table_cell"]
    assert "52.8 months" in cells


def test_comments_section_is_not_main_text():
    comments = "".join(f'<div class="comment"><p>Reader {i} says: {PARA}</p></div>' for i in range(8))
    page = article_page().replace("</article>", f'</article><section id="comments">{comments}</section>')
    doc = clean(page, source="s")
    assert "Reader" not in doc.text
    assert "52.8 months" in doc.text


def test_plain_text_boilerplate_is_removed():
    text = """Skip to main content

by Dr. Ann Author updated 2/2023

Lenalidomide Maintenance After Transplant

""" + PARA + """

Scroll to Continue

Recommended Articles

oncology news

Another Drug Shows Promise in Smoldering Myeloma

Progression to active disease delayed with a monoclonal antibody among high-risk patients

""" + "After the teaser block the article goes on. " + PARA + """

Did this answer your question?
Additional feedback? (Optional)
Thank you for your feedback!

About Author

I have been a patient since 2014 and write about my treatment. """ + PARA + """

  1. Thank you for posting this article, very useful information for all of us here.
  2. I had my transplant in 2014 and my hemoglobin was 6.4 afterwards for a long time.

Leave A Reply

Please enter the correct captcha code to verify that you are human.

We use cookies on our website to support technical features that enhance your user experience.
"""
    doc = clean(text.encode("utf-8"), source="file.txt", content_type="text/plain")
    check_offsets(doc)
    assert doc.title == "Lenalidomide Maintenance After Transplant"
    assert doc.authors == ["Dr. Ann Author"]
    for junk in ("Skip to", "Scroll to", "Recommended", "Smoldering", "Progression to active",
                 "answer your question", "feedback", "About Author", "patient since", "hemoglobin",
                 "Leave A Reply", "captcha", "cookies"):
        assert junk not in doc.text, junk
    assert "After the teaser block the article goes on." in doc.text
    assert doc.text.count("52.8 months") == 2


@pytest.mark.parametrize("head", ["9 comments", "Comments (12)", "1,024 responses"])
def test_a_counted_comments_heading_ends_a_plain_text_page(head):
    text = f"Maintenance results\n\n{PARA}\n\n{PARA}\n\n{head}\n\nKerry - March 6, 2023\nI did 12 months of dab/tram in 2019.\n"
    doc = clean(text.encode("utf-8"), source="file.txt", content_type="text/plain")
    assert "Kerry" not in doc.text and "dab/tram" not in doc.text and head not in doc.text


def test_plain_text_table_rows_are_kept_even_when_mostly_figures():
    text = (f"Trial card\n\n{PARA}\n\nTrial cards | Regimens | Glossary\n\n"
            "Endpoint | VMPT-VT | VMP | HR | P\nComplete response | 38% | 24% | - | <0.001\n\n"
            "Endpoint | VMPT-VT | VMP | HR | P\nMedian PFS | 35.3 months | 24.8 months | 0.58 | <0.001\n"
            "Complete response (CR) n(%)\t86 (24.6%)\t62 (17.4%)\n\n| 12 | 34 |\n\nTrial cards | Regimens | Glossary\n")
    doc = clean(text.encode("utf-8"), source="file.txt", content_type="text/plain")
    assert "Complete response | 38% | 24%" in doc.text and "86 (24.6%)\t62 (17.4%)" in doc.text
    assert doc.text.count("Endpoint | VMPT-VT | VMP") == 2  # the header row over each part of the table
    assert doc.text.count("Trial cards | Regimens") == 1 and "| 12 | 34 |" not in doc.text


def test_a_rule_line_separates_and_is_not_joined_to_the_next_line():
    text = (f"Trial cards\n\n{PARA}\n--------------------------------\nCARD 1 of 3: PANORAMA-1 (NCT01023308)\n"
            "Design: randomised, double-blind, placebo-controlled phase 3\n\nThe treat-\nment was given orally.\n")
    doc = clean(text.encode("utf-8"), source="file.txt", content_type="text/plain")
    assert "CARD 1 of 3: PANORAMA-1 (NCT01023308)" in doc.text and "---" not in doc.text
    assert "The treat-ment was given orally." in doc.text  # a line ending in a word and "-" is still joined


def test_plain_text_government_banner_and_date_line():
    text = """Skip to main page content
U.S. flag

An official website of the United States government

Dot gov

The .gov means it’s official.
Federal government websites often end in .gov or .mil. Before sharing sensitive information, make sure you’re on a federal government site.

Real-world outcomes of maintenance therapy in newly diagnosed myeloma

Last Medical Content Review: April 1, 2024

""" + PARA + """

Publication types

MeSH terms
"""
    doc = clean(text, source="s", content_type="text/plain")
    assert doc.title.startswith("Real-world outcomes")
    assert doc.date == "2024-04-01"
    assert "government" not in doc.text and "MeSH" not in doc.text and "flag" not in doc.text


def test_clean_error_messages_are_one_line():
    for body in (b"", b"   ", "<html><head><script>var x = 1;</script></head><body><script>go()</script></body></html>"):
        with pytest.raises(CleanError) as err:
            clean(body, source="s")
        assert "\n" not in str(err.value)


def test_a_results_paragraph_with_years_and_semicolons_is_not_a_citation():
    from extractors.clean import looks_like_citation

    para = ("Before 2018, first-generation inhibitors were standard. Median PFS was 18.9 months vs 10.2 months "
            "(HR 0.46; 95% CI 0.37-0.57; P<0.001).")
    assert not looks_like_citation(para)
    assert looks_like_citation("Attal M, Lauwers-Cances V, Marit G, et al. Lenalidomide maintenance. N Engl J Med. 2012;366:1782-91.")
    assert looks_like_citation("3. Soria JC, Ohe Y, et al. Osimertinib in untreated EGFR-mutated NSCLC. N Engl J Med. 2018;378:113-125.")
