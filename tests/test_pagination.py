"""The one pager (povertymgmt.pagination, templates/includes/pagination.html): links keep the filters."""

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from povertymgmt.pagination import page_of


def test_a_page_keeps_the_other_query_parameters_in_its_links():
    request = RequestFactory().get("/x/", {"state": "open", "q": "张 三", "page": "2"})
    page = page_of(request, list(range(60)), per_page=25)
    assert (page.number, list(page.object_list)[:1], page.query) == (2, [25], "state=open&q=%E5%BC%A0+%E4%B8%89")
    with translation.override("zh-hans"):
        html = render_to_string("includes/pagination.html", {"page": page})
    assert 'href="?state=open&amp;q=%E5%BC%A0+%E4%B8%89&amp;page=1"' in html
    assert 'href="?state=open&amp;q=%E5%BC%A0+%E4%B8%89&amp;page=3"' in html
    assert "第2页，共3页" in html and "上一页" in html and "下一页" in html


def test_a_page_out_of_range_or_not_a_number_falls_back_and_one_page_shows_no_pager():
    factory = RequestFactory()
    assert page_of(factory.get("/x/", {"page": "99"}), list(range(60)), per_page=25).number == 3
    assert page_of(factory.get("/x/", {"page": "x"}), list(range(60)), per_page=25).number == 1
    page = page_of(factory.get("/x/"), list(range(5)))
    assert page.query == "" and "pagination" not in render_to_string("includes/pagination.html", {"page": page})
