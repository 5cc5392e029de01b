"""The leak test: crawl every public page, API answer and feed of a rich world and fail on any
resident ID, phone number, household member's name, objection contact or full applicant name.
"""

import io
import json
from collections import deque
from datetime import date
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from pypdf import PdfReader
from sqlalchemy import select

from noticeboard.accounts.models import Role
from noticeboard.accounts.services import create_user
from noticeboard.cases.models import Case, Program
from noticeboard.extensions import db
from noticeboard.notices import (
    approval,
    linshi_lists,
    objections,
    pre_approval,
    rosters,
    state,
    terminations,
)
from noticeboard.notices.models import Notice, Objection, Termination
from tests.factories import PASSWORD, resident_id
from tests.portal.helpers import publish, travel

CRAWL_DAY = date(2026, 11, 4)
STAFF_ONLY = ("/staff", "/login", "/admin", "/logout")
WITHDRAWAL_REASON = "户主钱多多的银行账户信息有误"


def member(name: str, relation: str = "子女") -> dict:
    return {
        "name": name,
        "id_number": resident_id("19900101"),
        "relation": relation,
        "covered": True,
    }


def publish_cases(world, reviewer, clerk, village, program, cases):
    draft = pre_approval.prepare_notice(clerk, village.id, program, [c.id for c in cases])
    return pre_approval.publish_notice(reviewer, draft.id)


def build_rich_world(world, factory) -> dict[str, Notice]:
    """All three programs, every notice state, objections with contacts, in two townships."""
    world.township_a.assessment_panel = "陈评议\n刘评议"
    reviewer_b = create_user("reviewer_b", PASSWORD, Role.REVIEWER, world.township_b, "何审核")
    db.session.commit()
    a, a2 = world.village_a, world.village_a2
    made: dict[str, Notice] = {}

    with travel(date(2026, 9, 1)):  # ended 09-07, out of public view after 10-07
        made["expired"], _ = publish(
            world,
            factory,
            applicant_name="孙秀兰",
            applicant_phone="13700000001",
            address="东风村1组8号",
            members=[member("孙小兵")],
        )

    with travel(date(2026, 10, 20)):  # ended 10-26; approved into the rosters
        dibao = [
            factory.case(
                world.clerk_a,
                Program.DIBAO,
                a,
                applicant_name="李建国",
                applicant_phone="13700000002",
                members=[member("李秀英", "配偶"), member("李小龙")],
            ),
            factory.case(
                world.clerk_a,
                Program.DIBAO,
                a,
                applicant_name="马骏",  # two characters: masks to 马*
                applicant_phone="0591-87001234",
                members=[],
            ),
        ]
        made["ended"] = publish_cases(world, world.reviewer_a, world.clerk_a, a, "dibao", dibao)
        tekun = factory.case(
            world.clerk_a, Program.TEKUN, a2, applicant_name="赵铁柱", applicant_phone="13700000003"
        )
        made["ended_tekun"] = publish_cases(
            world, world.reviewer_a, world.clerk_a, a2, "tekun", [tekun]
        )
    with travel(date(2026, 10, 22)):
        resolved = objections.raise_objection(
            made["ended"].id, "马骏家里开了小卖部，收入不低。", "冯志远", "13600000009", "2"
        )
    with travel(date(2026, 10, 27)):
        objections.resolve_objection(
            world.reviewer_a, resolved.id, "not_upheld", "入户核查：小卖部已于去年关闭。"
        )
        for case in (*dibao, tekun):
            approval.approve_case(world.county_officer, case.id)  # dibao roster v1 then v2
        made["old_roster"] = db.session.scalars(rosters.roster_versions(a, Program.DIBAO)).all()[-1]

    with travel(date(2026, 11, 1)):  # 临时救助 paid in October, listed afterwards
        factory.case(
            world.clerk_a,
            Program.LINSHI,
            a,
            applicant_name="阿卜杜拉·艾合买提",
            applicant_phone="13700000004",
            paid_on="2026-10-15",
        )
        factory.case(
            world.clerk_a,
            Program.LINSHI,
            a2,
            applicant_name="王铁牛",
            applicant_phone="13700000005",
            paid_on="2026-10-20",
        )
        made["township_list"] = linshi_lists.publish_linshi_list(
            world.reviewer_a, world.township_a.id, date(2026, 10, 1)
        )
        made["village_list"] = linshi_lists.publish_linshi_list(
            world.reviewer_a, a.id, date(2026, 10, 1)
        )

    with travel(date(2026, 11, 2)):
        made["in_force"], _ = publish(
            world,
            factory,
            applicant_name="张三丰",
            applicant_phone="13800138000",
            address="东风村3组15号",
            members=[member("张翠山", "子女"), member("殷素素", "其他")],
        )
        made["withdrawn"], _ = publish(
            world, factory, village=a2, applicant_name="钱多多", applicant_phone="13700000006"
        )
        made["superseded"], _ = publish(
            world,
            factory,
            Program.TEKUN,
            village=a2,
            applicant_name="王小明明",
            applicant_phone="13700000007",
        )
        case_b = factory.case(
            world.clerk_b,
            Program.DIBAO,
            world.village_b,
            applicant_name="南宫问天",
            applicant_phone="13700000008",
            members=[member("南宫小雨")],
        )
        made["in_force_b"] = publish_cases(
            world, reviewer_b, world.clerk_b, world.village_b, "dibao", [case_b]
        )
        # 赵铁柱's 特困 support is to end: the termination notice (终止公示) is in force.
        ending = terminations.propose_termination(world.clerk_a, tekun.id, "赵铁柱已由其子赡养")
        made["termination"] = pre_approval.publish_notice(world.reviewer_a, ending.notice_id)
    with travel(date(2026, 11, 3)):
        pre_approval.withdraw_notice(world.reviewer_a, made["withdrawn"].id, WITHDRAWAL_REASON)
        correction = pre_approval.prepare_correction(
            world.clerk_a, made["superseded"].id, "供养方式录入有误"
        )
        made["correction"] = pre_approval.publish_notice(world.reviewer_a, correction.id)
        objections.raise_objection(
            made["in_force"].id, "张三丰的儿子在县城有商品房。", "吴晓峰", "13912345678", "1"
        )
        objections.raise_objection(made["in_force"].id, "该户情况不实，请核查。")  # anonymous
        objections.record_objection(
            world.clerk_a,
            made["in_force"].id,
            "phone",
            "电话反映：该户有营运车辆。",
            name="郑爱华",
            phone="0591-88886666",
        )
        objections.raise_objection(
            made["in_force_b"].id, "南宫问天常年在外地打工。", "欧阳修远", "13512340000"
        )
        objections.raise_objection(
            made["termination"].id, "赵铁柱的儿子常年不在家，没人照顾他。", "柳青青", "13611112222"
        )
    return made


def secrets_of_the_world() -> set[str]:
    """Everything that must never reach a public page, read back from the database."""
    values: set[str] = set()
    for case in db.session.scalars(select(Case)):
        if len(case.applicant_name) >= 2:
            values.add(case.applicant_name)  # full names belong on the printed board only
        values |= {case.applicant_id_number, case.applicant_phone or "", case.address or ""}
        for person in case.members:
            values |= {person.name, person.id_number}
    for objection in db.session.scalars(select(Objection)):
        values |= {objection.contact_name or "", objection.contact_phone or ""}
        values |= {objection.text, objection.investigation or ""}
    for notice in db.session.scalars(select(Notice)):
        values.add(notice.withdrawn_reason or "")
    for termination in db.session.scalars(select(Termination)):
        values.add(termination.reason)  # told to the household, never printed
    values.discard("")
    return values


class LinkCollector(HTMLParser):
    """href/src of every tag, and the action of every GET form (HTML and Atom alike)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self.links += [found[key] for key in ("href", "src") if found.get(key)]
        if (
            tag == "form"
            and (found.get("method") or "get").lower() == "get"
            and found.get("action")
        ):
            self.links.append(found["action"])


def json_urls(value) -> list[str]:
    """Addresses in a JSON answer: "url" and "next" values (not the OpenAPI document's
    schema of a property named url)."""
    if isinstance(value, dict):
        return [
            u
            for k, v in value.items()
            for u in ([v] if k in ("url", "next") and isinstance(v, str) else json_urls(v))
        ]
    if isinstance(value, list):
        return [u for item in value for u in json_urls(item)]
    return []


def same_site_path(base: str, link: str) -> str | None:
    parts = urlsplit(urljoin(base, link))
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
        return None
    if parts.path.startswith(STAFF_ONLY):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, seeds: list[str]) -> dict[str, object]:
    """Breadth-first over same-site public links; returns every answer by path."""
    answers: dict[str, object] = {}
    queue = deque(seeds)
    while queue:
        path = queue.popleft()
        if path in answers:
            continue
        response = client.get(path)
        answers[path] = response
        base = f"http://localhost{path}"
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response.headers["Location"]]
        elif response.mimetype == "application/json":
            links = json_urls(response.get_json())
        elif response.mimetype in ("text/html", "application/atom+xml"):
            collector = LinkCollector()
            collector.feed(response.get_data(as_text=True))
            links = collector.links
        else:
            links = []
        queue.extend(
            p for link in links if (p := same_site_path(base, link)) not in (None, *answers)
        )
    return answers


def readable_text(response) -> str:
    """The body as a reader sees it: entities resolved, JSON without \\u escapes, PDF text."""
    if response.mimetype == "application/pdf":
        reader = PdfReader(io.BytesIO(response.get_data()))
        return "\n".join(page.extract_text() for page in reader.pages)
    text = response.get_data(as_text=True)
    if response.mimetype == "application/json":
        text += json.dumps(response.get_json(), ensure_ascii=False)
    return text + unescape(text)


def test_no_personal_data_reaches_any_public_page(app, world, factory):
    made = build_rich_world(world, factory)
    secrets = secrets_of_the_world()
    assert {"张三丰", "马骏", "李秀英", "吴晓峰", "13912345678", "13800138000"} <= secrets
    everyone = db.session.scalars(select(Notice)).all()
    receipts = db.session.scalars(select(Objection.receipt_no)).all()
    townships = [world.township_a, world.township_b]
    villages = [world.village_a, world.village_a2, world.village_b]
    seeds = [
        "/",
        "/api/v1/notices",
        *(f"/api/v1/notices?township={t.id}" for t in townships),
        # The statistics (the links lead to the CSV and the OpenAPI document), this month
        # and the month of the crawl's notices, each township asked for alone too.
        "/statistics",
        f"/statistics?month={CRAWL_DAY:%Y-%m}",
        f"/api/v1/statistics?month={CRAWL_DAY:%Y-%m}",
        *(f"/api/v1/statistics?region={t.id}&month={CRAWL_DAY:%Y-%m}" for t in townships),
        *(f"/api/v1/notices?village={v.id}" for v in villages),
        *(f"/townships/{t.id}/feed.atom" for t in townships),
        # Pages a visitor can reach by typing: every notice id, code and receipt.
        *(f"/notices/{n.id}" for n in everyone),
        *(f"/api/v1/notices/{n.id}" for n in everyone),
        *(f"/verify/{n.verification_code}" for n in everyone if n.verification_code),
        *(f"/objections/lookup?receipt={r}" for r in receipts),
    ]
    # Without cookies, so each answer shows whether it would start a session by itself.
    client = app.test_client(use_cookies=False)
    with travel(CRAWL_DAY):
        public = {n.id for n in state.public_notices()}
        answers = crawl(client, seeds)

    leaks = [
        (path, secret)
        for path, response in answers.items()
        for secret in secrets
        if secret in readable_text(response)
    ]
    assert leaks == []

    # Not vacuous: the crawl reached every region page, public notice, API answer and feed.
    expected = {
        *(f"/townships/{t.id}" for t in townships),
        *(f"/villages/{v.id}" for v in villages),
        *(f"/notices/{i}" for i in public),
        *(f"/api/v1/notices/{i}" for i in public),
        *(f"/notices/{i}.pdf" for i in public),
        *(f"/townships/{t.id}/feed.atom" for t in townships),
        "/verify",
        "/objections/lookup",
        "/statistics",
        f"/statistics.csv?month={CRAWL_DAY:%Y-%m}",
        "/api/v1/openapi.json",
        f"/api/v1/statistics?month={CRAWL_DAY:%Y-%m}",
    }
    reached = {path for path, response in answers.items() if response.status_code == 200}
    assert expected <= reached, expected - reached
    # in force ×2, ended ×2, correction, rosters ×2, lists ×2, termination
    assert len(public) == 10, public
    assert made["termination"].id in public
    hidden = ("expired", "withdrawn", "superseded", "old_roster")
    assert all(made[key].id not in public for key in hidden)
    assert all(answers[f"/notices/{made[key].id}"].status_code == 404 for key in hidden)
    assert not [p for p, r in answers.items() if r.status_code >= 500]
    # The PDFs were read, not skipped: the masked name is in the downloaded copy.
    pdf_text = "".join(readable_text(r) for p, r in answers.items() if p.endswith(".pdf"))
    assert "张*丰" in pdf_text
    assert "赵*柱" in pdf_text and "特困人员终止救助供养公示" in pdf_text

    # Only a page carrying a form (and its CSRF token) may start a session.
    sessions = [
        path
        for path, response in answers.items()
        if any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))
        and 'name="csrf_token"' not in response.get_data().decode("utf-8", "replace")
    ]
    assert sessions == []
