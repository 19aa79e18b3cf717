"""Steps a test runs INSIDE a node process (``tongban shell -c``, exec'd there): each is what a person does on
that node's pages, through the same services, and prints JSON for the test. Not imported by the test."""

import datetime as dt
import json

from tongban.accounts.models import User
from tongban.cases.services import back_office, desk, results
from tongban.cases.services.context import Ctx
from tongban.core.testing.files import pdf
from tongban.crossregion.models import CrossRegionCase, JointCase
from tongban.crossregion.services import guides, joint, receiving
from tongban.demo.answers import Person, fill
from tongban.demo.data import catalogue

APPLICANT = Person("冯志强", "330681199003157715", "13957512345", "浙江省诸暨市暨阳街道浣纱南路88号")


def user(name):
    return User.objects.get(username=name)


def code_of(key, division):
    return catalogue.implementation_of(key, division).code


def scans_and_form(node, code):
    guide = guides.remote_guide(node, code)  # the deciding node's own guide, over HTTP
    form = fill(guide.form_schema, APPLICANT, dt.date.today())
    return guide, form, [(m["name"], "scan.pdf", pdf(m["name"])) for m in guide.materials]


def receive_online_and_joint(deciding, joint_out, joint_in):
    """On the receiving node: a 全程网办 application and a 多地联办 one (the window's 异地代收 is the browser's)."""
    who = {"name": APPLICANT.name, "id_number": APPLICANT.id_number, "phone": APPLICANT.phone}
    code = code_of("no_crime_certificate", deciding)
    guide, form, scans = scans_and_form(deciding, code)
    online = receiving.apply_online(
        user("zj_citizen_wang"),
        deciding_node=deciding,
        item_code=code,
        item_name=guide.name,
        form_data=form,
        uploads=scans[:1],
    )
    out_code, in_code = code_of("work_transfer_move", joint_out), code_of("work_transfer_move", joint_in)
    out_guide, out_form, out_scans = scans_and_form(joint_out, out_code)
    in_guide = guides.guide_for(joint_in, in_code)  # this node's own guide, read here
    in_form = fill(in_guide.form_schema, APPLICANT, dt.date.today())
    papers = {name: (name, filename, content) for name, filename, content in out_scans}
    papers |= {
        m["name"]: (m["name"], "scan.pdf", pdf(m["name"])) for m in in_guide.materials if m["name"] not in papers
    }
    made = joint.take_joint(
        user("zj_window"),
        name="工作调动户口迁移（济源迁往诸暨）",
        applicant=who,
        identity_check="人证比对",
        scans=list(papers.values()),
        legs=[
            joint.LegSpec("out", "迁出地：准予迁出", joint_out, out_code, form_data=out_form),
            joint.LegSpec("in", "迁入地：办理落户", joint_in, in_code, ("out",), form_data=in_form),
        ],
    )
    print(json.dumps({"online": online.ref, "joint": made.ref}))


def local_case(ref):
    return CrossRegionCase.objects.get(ref=ref, side="deciding").local_case


def ask_correction(ref, clerk, items):
    desk.request_correction(Ctx(user(clerk), "window"), local_case(ref), items)


def grant(ref, clerk, approver, delivery):
    case = local_case(ref)
    if case.status == "submitted":
        case = desk.accept(Ctx(user(clerk), "window"), case)
    office = Ctx(user(approver))
    while not case.awaiting_decision:
        case = back_office.complete_step(office, case, "符合条件")
    back_office.decide(office, case, True, "经核查符合条件")
    results.issue_result(Ctx(user(clerk), "window"), case, delivery)


def state(ref):
    rows = CrossRegionCase.objects.filter(ref__startswith=ref)
    print(
        json.dumps(
            {
                f"{r.ref}|{r.side}": {
                    "status": r.status,
                    "events": [[e.node, e.action] for e in r.events.order_by("happened_at", "id")],
                    "local": r.local_case.number if r.local_case else "",
                }
                for r in rows
            }
            | {"joint": list(JointCase.objects.filter(ref=ref).values_list("phase", flat=True))},
            ensure_ascii=False,
        )
    )
