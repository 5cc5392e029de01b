"""Public pages through the test client: township → village → notice, objections, receipts,
verification codes and large-text mode."""

import re
from datetime import date

from noticeboard.cases.models import Program
from noticeboard.extensions import db
from noticeboard.notices import approval, linshi_lists, objections, pre_approval, rosters
from noticeboard.notices.models import Objection
from tests.conftest import csrf_token, post_form
from tests.portal.helpers import START, publish, travel

OBJECTION = "该户家中有两辆小轿车，生活条件较好，不符合低保条件。"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def field_block(html: str, name: str) -> str:
    """The `.field` div of the form field `name`, as the forms macro renders it."""
    match = re.search(
        rf'<div class="field[^"]*">\s*<label for="{name}">.*?</div>', html, flags=re.DOTALL
    )
    assert match, f"no field {name}"
    return match.group(0)


def receipt_no(html: str) -> str:
    match = re.search(r'id="receipt-no"[^>]*>([^<]+)<', html)
    assert match, "no receipt number on the page"
    return match.group(1)


def test_home_links_each_township(client, world):
    html = text_of(client.get("/"))
    assert f'href="/townships/{world.township_a.id}"' in html
    assert f'href="/townships/{world.township_b.id}"' in html
    assert "新店镇" in html and "城关街道" in html


def test_township_page_lists_villages_township_lists_and_the_feed(client, world, factory):
    with travel(date(2026, 11, 20)):
        factory.case(world.clerk_a, Program.LINSHI, world.village_a, paid_on="2026-10-15")
        listing = linshi_lists.publish_linshi_list(
            world.reviewer_a, world.township_a.id, date(2026, 10, 1)
        )
        html = text_of(client.get(f"/townships/{world.township_a.id}"))
    assert f'href="/villages/{world.village_a.id}"' in html
    assert f'href="/villages/{world.village_a2.id}"' in html
    assert "南门社区" not in html
    assert f'href="/notices/{listing.id}"' in html and "全乡镇临时救助公示" in html
    assert html.count("1 条公示") == 2  # the township-wide list shows on both village pages
    assert f'href="/townships/{world.township_a.id}/feed.atom"' in html


def test_unknown_or_wrong_level_regions_answer_404(client, world):
    assert client.get("/townships/9999").status_code == 404
    assert client.get(f"/townships/{world.village_a.id}").status_code == 404
    assert client.get(f"/villages/{world.township_a.id}").status_code == 404
    assert client.get(f"/villages/{world.county.id}").status_code == 404


def test_village_page_groups_notices_with_days_left_and_end_dates(client, world, factory):
    with travel(date(2026, 10, 20)):
        ended, old_case = publish(world, factory, applicant_name="李建国")
    with travel(START):
        current, _ = publish(world, factory, Program.TEKUN)
    with travel(date(2026, 10, 27)):
        approval.approve_case(world.county_officer, old_case.id)
    roster = rosters.current_roster(world.village_a, Program.DIBAO)
    with travel(date(2026, 11, 4)):
        html = text_of(client.get(f"/villages/{world.village_a.id}"))
    assert "还剩 5 天" in html
    assert "已于2026年10月26日结束" in html
    for notice in (current, ended, roster):
        assert f'href="/notices/{notice.id}"' in html
    # 7-day notices first, in force before ended, then the roster
    assert html.index(f"/notices/{current.id}") < html.index(f"/notices/{ended.id}")
    assert html.index(f"/notices/{ended.id}") < html.index(f"/notices/{roster.id}")
    assert "长期公示" in html


def test_village_page_includes_the_township_wide_list(client, world, factory):
    with travel(date(2026, 11, 20)):
        factory.case(world.clerk_a, Program.LINSHI, world.village_a2, paid_on="2026-10-15")
        listing = linshi_lists.publish_linshi_list(
            world.reviewer_a, world.township_a.id, date(2026, 10, 1)
        )
        html = text_of(client.get(f"/villages/{world.village_a.id}"))
    assert f'href="/notices/{listing.id}"' in html and "临时救助公示" in html


def test_notice_page_shows_the_masked_online_snapshot(client, world, factory):
    world.township_a.assessment_panel = "陈评议\n刘评议"
    db.session.commit()
    with travel(START):
        notice, case = publish(world, factory, applicant_name="张三丰")
    with travel(date(2026, 11, 3)):
        html = text_of(client.get(f"/notices/{notice.id}"))
    assert "张*丰" in html and "张三丰" not in html
    assert case.applicant_id_number not in html and case.applicant_phone not in html
    assert case.members[0].name not in html
    assert notice.title in html
    assert "公示期：2026年11月2日至2026年11月8日" in html
    assert "公示中" in html and "还剩 6 天" in html
    assert "监督电话" in html and "0591-83210000" in html and "0591-87650000" in html
    assert "陈评议" in html and "刘评议" in html
    assert "新店镇人民政府" in html and "2026年11月2日" in html
    assert f'核验码 <span class="nowrap">{notice.verification_code}</span>' in html
    assert notice.sha256_online in html
    assert 'data-label="月保障金额（元）" class="num">1,360.00</td>' in html
    assert 'class="table-scroll"' in html


def test_notice_page_leads_to_the_objection_form_only_while_in_force(client, world, factory):
    with travel(START):
        notice, _ = publish(world, factory)
        page = text_of(client.get(f"/notices/{notice.id}"))
        form = client.get(f"/notices/{notice.id}/objections")
    objecting = f'<a class="button" href="/notices/{notice.id}/objections">我要提出异议</a>'
    assert objecting in page
    html = text_of(form)
    assert form.status_code == 200
    assert f'action="/notices/{notice.id}/objections"' in html and notice.title in html
    for name, label in (
        ("text", "异议内容"),
        ("line", "涉及序号"),
        ("name", "您的姓名（可不填）"),
        ("phone", "联系电话（可不填）"),
    ):
        assert f'name="{name}"' in html and label in html
    assert "提交异议" in html and "仅工作人员可见" in html
    with travel(date(2026, 11, 9)):
        page = text_of(client.get(f"/notices/{notice.id}"))
        form = client.get(f"/notices/{notice.id}/objections")
    assert "公示期满" in page and "我要提出异议" not in page
    assert form.status_code == 200 and "不在公示期内" in text_of(form)
    assert "提交异议" not in text_of(form)


def test_rosters_and_linshi_lists_have_no_objection_page(client, world, factory):
    with travel(date(2026, 10, 20)):
        _, case = publish(world, factory)
    with travel(date(2026, 10, 27)):
        approval.approve_case(world.county_officer, case.id)
    roster = rosters.current_roster(world.village_a, Program.DIBAO)
    with travel(START):
        assert "我要提出异议" not in text_of(client.get(f"/notices/{roster.id}"))
        assert client.get(f"/notices/{roster.id}/objections").status_code == 404
        assert client.get("/notices/9999/objections").status_code == 404


def test_notices_not_in_public_view_answer_404(client, world, factory):
    draft_case = factory.case(world.clerk_a, Program.DIBAO, world.village_a)
    draft = pre_approval.prepare_notice(
        world.clerk_a, world.village_a.id, Program.DIBAO, [draft_case.id]
    )
    with travel(START):
        withdrawn, _ = publish(world, factory)
        pre_approval.withdraw_notice(world.reviewer_a, withdrawn.id, "金额录入错误")
        old, _ = publish(world, factory, Program.TEKUN)
        correction = pre_approval.prepare_correction(world.clerk_a, old.id, "姓名录入有误")
        new = pre_approval.publish_notice(world.reviewer_a, correction.id)
        assert client.get(f"/notices/{new.id}").status_code == 200
        for notice in (draft, withdrawn, old):
            assert client.get(f"/notices/{notice.id}").status_code == 404
        assert client.get("/notices/9999").status_code == 404
    with travel(date(2026, 12, 10)):  # beyond the 30-day grace after 2026-11-08
        assert client.get(f"/notices/{new.id}").status_code == 404


def test_objection_posts_with_csrf_and_shows_the_receipt(client, world, factory):
    with travel(START):
        notice, case = publish(world, factory)
        url = f"/notices/{notice.id}/objections"
        response = post_form(
            client, url, {"text": OBJECTION, "line": "1", "name": "吴晓峰", "phone": "13912345678"}
        )
    html = text_of(response)
    assert response.status_code == 200
    assert response.cache_control.no_store  # the receipt is the sender's own
    assert "您的异议已收到" in html and "回执编号" in html
    number = receipt_no(html)
    assert f'href="/objections/lookup?receipt={number}"' in html
    assert "13912345678" not in html and "吴晓峰" not in html
    stored = db.session.query(Objection).filter_by(receipt_no=number).one()
    assert (stored.contact_name, stored.contact_phone) == ("吴晓峰", "13912345678")
    assert stored.case_id == case.id and stored.channel == "online"


def test_objection_without_a_csrf_token_is_refused(client, world, factory):
    with travel(START):
        notice, _ = publish(world, factory)
        response = client.post(f"/notices/{notice.id}/objections", data={"text": OBJECTION})
    assert response.status_code == 400
    assert db.session.query(Objection).count() == 0


def test_objection_validation_errors_are_shown_beside_the_fields(client, world, factory):
    with travel(START):
        notice, _ = publish(world, factory)
        url = f"/notices/{notice.id}/objections"
        typed = {"text": "太短", "line": "9", "name": "", "phone": "12345"}
        response = post_form(client, url, typed)
    html = text_of(response)
    assert response.status_code == 422
    assert response.cache_control.no_store  # it holds what the visitor typed
    assert "异议未提交成功" in html
    assert "异议内容：请写明情况" in field_block(html, "text")
    assert "太短</textarea>" in field_block(html, "text")
    assert "序号：请填写公示表中的序号" in field_block(html, "line")
    assert "联系电话：请填写 11 位手机号" in field_block(html, "phone")
    assert 'value="12345"' not in html  # the phone typed is not sent back
    assert db.session.query(Objection).count() == 0


def test_objections_are_rate_limited_per_client(app, client, world, factory):
    previous = app.config["OBJECTION_LIMIT"]
    app.config["OBJECTION_LIMIT"] = "2 per hour"
    try:
        with travel(START):
            notice, _ = publish(world, factory)
            url = f"/notices/{notice.id}/objections"
            for _ in range(2):
                response = post_form(client, url, {"text": OBJECTION})
                assert response.status_code == 200
            response = post_form(client, url, {"text": OBJECTION})
    finally:
        app.config["OBJECTION_LIMIT"] = previous
    assert response.status_code == 429
    assert "提交过于频繁，请稍后再试" in text_of(response)
    assert db.session.query(Objection).count() == 2


def test_objection_after_the_period_ends_is_refused(client, world, factory):
    with travel(START):
        notice, _ = publish(world, factory)
    url = f"/notices/{notice.id}/objections"
    with travel(date(2026, 11, 8), "23:30"):  # the form is opened on the last evening …
        token = csrf_token(client, url)
    with travel(date(2026, 11, 9), "00:30"):  # … and sent after midnight
        response = client.post(url, data={"text": OBJECTION, "csrf_token": token})
    html = text_of(response)
    assert response.status_code == 409
    assert "不在公示期内" in html and "提交异议" not in html
    assert db.session.query(Objection).count() == 0


def test_receipt_lookup_shows_the_outcome_after_staff_resolve_it(client, world, factory):
    with travel(START):
        notice, _ = publish(world, factory)
        objection = objections.raise_objection(
            notice.id, OBJECTION, name="吴晓峰", phone="13912345678"
        )
        url = f"/objections/lookup?receipt={objection.receipt_no}"
        html = text_of(client.get(url))
        assert "办理中" in html and notice.title in html and "2026年11月2日" in html
    with travel(date(2026, 11, 6)):
        objections.resolve_objection(
            world.reviewer_a, objection.id, "not_upheld", "经核查，车辆登记在已分户的子女名下。"
        )
        html = text_of(client.get(url.lower()))  # typed in lower case: still found
    assert "异议不成立" in html and "2026年11月6日" in html
    for private in ("车辆登记", "吴晓峰", "13912345678", OBJECTION):
        assert private not in html


def test_unknown_receipt_says_not_found(client, world):
    response = client.get("/objections/lookup?receipt=YY-2222222222")
    assert response.status_code == 200 and "未找到" in text_of(response)
    assert 'name="receipt"' in text_of(client.get("/objections/lookup"))


def test_verify_an_in_force_notice_by_path_and_by_form(client, world, factory):
    with travel(START):
        notice, _ = publish(world, factory)
    code = notice.verification_code
    with travel(date(2026, 11, 3)):
        by_path = text_of(client.get(f"/verify/{code}"))
        typed = code.replace("-", "").lower()
        by_form = client.get(f"/verify?code={typed}")
    assert by_form.status_code == 200
    for html in (by_path, text_of(by_form)):
        assert notice.title in html and "示范县新店镇东风村" in html
        assert "2026年11月2日至2026年11月8日" in html
        assert "公示中" in html and f'href="/notices/{notice.id}"' in html


def test_verify_a_superseded_notice_links_the_correction(client, world, factory):
    with travel(START):
        old, _ = publish(world, factory)
    with travel(date(2026, 11, 3)):
        draft = pre_approval.prepare_correction(world.clerk_a, old.id, "户主姓名录入有误")
        new = pre_approval.publish_notice(world.reviewer_a, draft.id)
        html = text_of(client.get(f"/verify/{old.verification_code}"))
    assert "已被更正" in html and f'href="/notices/{new.id}"' in html
    assert f'href="/notices/{old.id}"' not in html


def test_verify_a_withdrawn_notice_gives_the_date_not_the_reason(client, world, factory):
    with travel(START):
        notice, _ = publish(world, factory)
    with travel(date(2026, 11, 4)):
        pre_approval.withdraw_notice(world.reviewer_a, notice.id, "金额录入错误")
        html = text_of(client.get(f"/verify/{notice.verification_code}"))
    assert "已撤回" in html and "2026年11月4日" in html
    assert "金额录入错误" not in html and f'href="/notices/{notice.id}"' not in html


def test_verify_an_unknown_code_answers_404_with_a_warning(client, world):
    response = client.get("/verify/ZZZZ-ZZZZ")
    assert response.status_code == 404
    assert "核验码不存在，请核对：该公示可能不是本系统发布的" in text_of(response)
    empty = client.get("/verify")
    assert empty.status_code == 200 and 'name="code"' in text_of(empty)


def test_large_text_mode_is_a_cookie_that_the_display_stylesheet_follows(client, world):
    response = client.get("/display?size=large&next=/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "text_size=large" in response.headers["Set-Cookie"]
    for url in ("/", f"/villages/{world.village_a.id}", "/verify", "/login", "/no-such-page"):
        assert '<link rel="stylesheet" href="/display.css">' in text_of(client.get(url)), url
    assert "font-size: 22px" in text_of(client.get("/display.css"))
    client.get("/display?size=normal&next=/")
    assert "font-size" not in text_of(client.get("/display.css"))
