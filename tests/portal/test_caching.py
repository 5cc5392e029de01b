"""Public pages a shared cache (a township's proxy, a CDN) may keep: what a proxy sees in the
headers of every public answer, revalidation by ETag, and how long a notice may be kept
around the dates on which it changes (Beijing time)."""

from datetime import date

import pytest

from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.notices import approval, linshi_lists, objections, rosters
from tests.conftest import login
from tests.portal.helpers import START, publish, travel

GZIP = {"Accept-Encoding": "gzip"}
TODAY = date(2026, 11, 4)  # the 7-day notice of START runs to 2026-11-08
LIST_MAX_AGE, NOTICE_MAX_AGE = 60, 300


@pytest.fixture
def board(world, factory) -> dict[str, str]:
    """Every kind of public URL, named; published on the days a village board would see."""
    with travel(date(2026, 10, 20)):
        _, approved = publish(world, factory, applicant_name="李建国")
    with travel(date(2026, 10, 27)):
        approval.approve_case(world.county_officer, approved.id)
    with travel(START):
        in_force, _ = publish(world, factory, Program.TEKUN)
        factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-10-15")
        listing = linshi_lists.publish_linshi_list(
            world.reviewer_a, world.township_a.id, date(2026, 10, 1)
        )
        objection = objections.raise_objection(in_force.id, "该户家中有两辆小轿车，请核实。")
    roster = rosters.current_roster(world.village_a, Program.DIBAO)
    db.session.commit()
    township, village = world.township_a.id, world.village_a.id
    return {
        "home": "/",
        "village search": "/?q=dfc",
        "township": f"/townships/{township}",
        "village": f"/villages/{village}",
        "7-day notice": f"/notices/{in_force.id}",
        "roster": f"/notices/{roster.id}",
        "临时救助 list": f"/notices/{listing.id}",
        "verify form": "/verify",
        "verify a code": f"/verify/{in_force.verification_code}",
        "receipt form": "/objections/lookup",
        "receipt lookup": f"/objections/lookup?receipt={objection.receipt_no}",
        "feed": f"/townships/{township}/feed.atom",
        "API list": "/api/v1/notices",
        "API list of a village": f"/api/v1/notices?village={village}",
        "API notice": f"/api/v1/notices/{in_force.id}",
    }


@pytest.fixture
def anonymous(app):
    """A first-time visitor (or a proxy): sends no cookie, keeps none."""
    return app.test_client(use_cookies=False)


def max_age(response) -> int:
    return response.cache_control.max_age


def test_public_pages_set_no_cookie_and_a_proxy_may_keep_them(anonymous, board):
    problems = []
    with travel(TODAY):
        for name, url in board.items():
            for headers in ({}, GZIP):
                response = anonymous.get(url, headers=headers)
                where = f"{name} {url} {headers}"
                assert response.status_code == 200, where
                if response.headers.getlist("Set-Cookie"):
                    problems.append(f"{where}: Set-Cookie {response.headers['Set-Cookie']}")
                if set(response.vary) != {"Accept-Encoding"}:
                    problems.append(f"{where}: Vary {response.headers.get('Vary')}")
                control = response.cache_control
                if not (control.public and not control.private and (max_age(response) or 0) > 0):
                    problems.append(f"{where}: Cache-Control {control}")
                if "ETag" not in response.headers:
                    problems.append(f"{where}: no ETag")
    assert not problems, "\n".join(problems)


def test_a_revalidation_with_the_etag_answers_304_plain_or_gzipped(anonymous, board):
    problems = []
    with travel(TODAY):
        for name, url in board.items():
            for headers in ({}, GZIP):
                first = anonymous.get(url, headers=headers)
                etag = first.headers.get("ETag")
                if etag is None:
                    problems.append(f"{name} {headers}: no ETag")
                    continue
                again = anonymous.get(url, headers={**headers, "If-None-Match": etag})
                if again.status_code != 304:
                    problems.append(f"{name} {headers}: {again.status_code}, not 304")
                    continue
                # A 304 carries what the 200 would have: the caches refresh their copy with it.
                assert again.data == b"", name
                assert again.headers["ETag"] == etag, name
                assert again.headers["Cache-Control"] == first.headers["Cache-Control"], name
                assert set(again.vary) == {"Accept-Encoding"}, name
                assert not again.headers.getlist("Set-Cookie"), name
    assert not problems, "\n".join(problems)


def test_a_changed_page_answers_200_to_the_old_etag(anonymous, world, factory, board):
    with travel(TODAY):
        old = anonymous.get(board["village"]).headers["ETag"]
        publish(world, factory, Program.DIBAO)  # one more notice on the village board
        again = anonymous.get(board["village"], headers={"If-None-Match": old})
    assert again.status_code == 200 and again.headers["ETag"] != old


def test_lists_are_kept_a_minute_and_notices_five_minutes(anonymous, board):
    with travel(TODAY):
        for name in ("home", "township", "village", "feed", "API list", "receipt lookup"):
            assert max_age(anonymous.get(board[name])) == LIST_MAX_AGE, name
        for name in ("7-day notice", "roster", "临时救助 list", "API notice"):
            assert max_age(anonymous.get(board[name])) == NOTICE_MAX_AGE, name


@pytest.mark.parametrize(
    ("day", "changes"),
    [
        # The last day of the period: at midnight the notice ends and takes no objection.
        (date(2026, 11, 8), "ends"),
        # The last day of the 30-day grace period: at midnight it leaves public view.
        (date(2026, 12, 8), "leaves public view"),
    ],
)
def test_a_notice_is_never_kept_past_the_midnight_it_changes(anonymous, board, day, changes):
    with travel(day, "23:59:30"):
        page = anonymous.get(board["7-day notice"])
        api = anonymous.get(board["API notice"])
        verify = anonymous.get(board["verify a code"])
        roster = anonymous.get(board["roster"])
    for response in (page, api, verify):
        assert response.status_code == 200
        assert 0 <= max_age(response) <= 30, (changes, response.headers["Cache-Control"])
    # A roster changes only when a new version is published: no date to stop at.
    assert max_age(roster) == NOTICE_MAX_AGE


def test_a_7_day_notice_in_force_is_kept_no_later_than_midnight(anonymous, board):
    """还剩 N 天 counts down at every midnight of the period, not only at its end."""
    with travel(date(2026, 11, 5), "23:58:00"):
        assert max_age(anonymous.get(board["7-day notice"])) == 120
        assert max_age(anonymous.get(board["village"])) == LIST_MAX_AGE
    with travel(date(2026, 11, 5), "23:59:50"):
        assert max_age(anonymous.get(board["village"])) == 10


def test_the_objection_page_starts_a_session_and_no_one_stores_it(anonymous, board):
    url = board["7-day notice"] + "/objections"
    with travel(TODAY):
        notice = anonymous.get(board["7-day notice"]).get_data(as_text=True)
        form = anonymous.get(url)
    assert f'href="{url}"' in notice and "我要提出异议" in notice
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'name="csrf_token"' in html and f'action="{url}"' in html
    assert any(c.startswith("session=") for c in form.headers.getlist("Set-Cookie"))
    assert form.cache_control.private and form.cache_control.no_store
    assert not form.cache_control.public


def test_every_visitor_gets_the_same_page(app, anonymous, world, board):
    """A shared cache hands one copy to everyone: a logged-in clerk, a resident in 长者模式
    or with an objection form open must get those very bytes, or the cache would show them
    a page meant for someone else."""
    clerk = app.test_client()
    resident = app.test_client()
    resident.set_cookie("text_size", "large")
    with travel(TODAY):
        login(clerk, world.clerk_a.username)
        resident.get(board["7-day notice"] + "/objections")  # now holds a session cookie
        for name, url in board.items():
            expected = anonymous.get(url).data
            for who, client in (("clerk", clerk), ("resident", resident)):
                response = client.get(url)
                assert response.data == expected, f"{name} differs for the {who}"
                # A cookie sent with a page makes that copy the visitor's own.
                if response.headers.getlist("Set-Cookie"):
                    assert not response.cache_control.public, f"{name} to the {who}"


def test_large_text_mode_is_a_stylesheet_of_its_own_that_follows_the_cookie(app, anonymous):
    large = app.test_client()
    large.set_cookie("text_size", "large")
    page = anonymous.get("/").get_data(as_text=True)
    assert 'href="/display.css"' in page
    # Both ways are in the one page; the stylesheet shows the one that applies.
    assert "/display?size=large" in page and "/display?size=normal" in page
    normal, big = anonymous.get("/display.css"), large.get("/display.css")
    assert normal.mimetype == big.mimetype == "text/css"
    assert "font-size" not in normal.get_data(as_text=True)
    assert "font-size: 22px" in big.get_data(as_text=True)
    for response in (normal, big):
        assert response.cache_control.private and response.cache_control.no_cache
        assert "Cookie" in response.vary
        assert not response.headers.getlist("Set-Cookie")
    assert normal.headers["ETag"] != big.headers["ETag"]
    again = large.get("/display.css", headers={"If-None-Match": big.headers["ETag"]})
    assert again.status_code == 304
    # The mode changed since the copy was kept: the new rules come back, not a 304.
    switched = anonymous.get("/display.css", headers={"If-None-Match": big.headers["ETag"]})
    assert switched.status_code == 200 and "font-size" not in switched.get_data(as_text=True)
