"""The clerk's pages on a 390×844 phone (issue 15, item 11): nothing scrolls the page sideways and every
tap target is at least 40 px high (the usual minimum is about 44 px; the CSS gives 44)."""

import pytest

from accounts.models import Role
from households import choices as c
from tests import factories as f
from tests.conftest import browser_login

SMALL_TARGETS = """() => {
  const out = [];
  const seen = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0; };
  const targets = 'main a, main button, main select, main input, nav button, footer a, footer select';
  for (const el of document.querySelectorAll(targets)) {
    if (!seen(el) || el.type === 'hidden') continue;
    let box = el.getBoundingClientRect();
    if (el.type === 'checkbox' || el.type === 'radio') {
      const row = el.closest('.form-check') || el.closest('label') || el;  // tapped through its row
      box = row.getBoundingClientRect();
    }
    const text = (el.innerText || el.value || '').trim().slice(0, 20);
    const name = `${el.tagName.toLowerCase()}#${el.id}.${el.className}`;
    if (box.height < 40) out.push(`${name} "${text}" ${Math.round(box.height)}px`);
  }
  return out;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_clerks_pages_fit_a_phone_and_every_target_is_big_enough(page):
    province = f.region("210000000000", "辽宁省", f.Level.PROVINCE)
    city = f.region("211200000000", "铁岭市", f.Level.CITY, province)
    county = f.region("211224000000", "昌图县", f.Level.COUNTY, city)
    township = f.region("211224100000", "昌图镇", f.Level.TOWNSHIP, county)
    village = f.region("211224100001", "东村", f.Level.VILLAGE, township)
    clerk = f.user("clerk", Role.VILLAGE_CLERK, village)
    h = f.household(village, by=clerk, members=[f.member(name="王大山"), f.member(c.Relationship.SON, name="王小明")])
    f.income(h, 2020, wages=12000)

    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "clerk")
    problems = {}
    for path in (
        "/households/",
        f"/households/{h.number}/",
        f"/households/{h.number}/edit/",
        "/households/new/",
        f"/regions/{village.code}/",
        "/workflows/",
    ):
        response = page.goto(page.base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        small = page.evaluate(SMALL_TARGETS)
        if wide > 0 or small:
            problems[path] = {"sideways px": wide, "small targets": small[:10]}
    assert problems == {}
