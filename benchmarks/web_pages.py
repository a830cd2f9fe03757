"""Server time of each officer page on the graph of the last ``notoneless run`` (the demo data).

    NOTONELESS_WORKSPACE=<the run's workspace> .venv/bin/python benchmarks/web_pages.py [--repeat 50]

Opens the workspace's graph (starting the local Neo4j if needed; stopped at the end only
then), makes a throw-away 县级数据员 of the county with the most cases and gives them a
web password, signs in, and requests each page ``--repeat`` times in-process (the site
app under Starlette's TestClient: no network, so the time is the server's). Pages:
工作台, 台账 (first page, overdue dropout filter, a name search, page 20), one case, one
儿童档案; 身份核查 (the queue, and its first review: both records, the persons' other
records and the explanation); 三包: the county's town → village tree, the village with the
most target children, the contacts to choose from that the village page loads after it
(htmx), and its 包村 contact's page. Prints p50 and p95 per page in ms. Goal: p95 ≤ 150 ms;
a review page ≤ 300 ms. A review is measured twice: seen again (the explanation from
memory, ``linkage.explain``'s cache) and seen for the first time (each of up to
``--repeat`` other reviews once: the pair scored by Splink).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from fastapi.testclient import TestClient

from notoneless.access.passwords import set_password
from notoneless.access.users import Role, create_user
from notoneless.config import get_settings
from notoneless.graph.store import open_graph
from notoneless.web.app import create_site

OFFICER = "基准测试网页数据员"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    settings = get_settings()
    with open_graph(settings) as store:
        county = store.execute_read(lambda tx: tx.run(
            "MATCH (c:Case) RETURN c.responsible_county AS county, count(*) AS n ORDER BY n DESC LIMIT 1").data()
        )[0]["county"]
        create_user(store, OFFICER, Role.COUNTY, county, replace=True)
        set_password(store, OFFICER, "benchmark-password")
        with TestClient(create_site(settings, store=store)) as c:
            token = re.search(r'name="csrf" value="([^"]+)"', c.get("/app/login").text).group(1)
            c.post("/app/login", data={"username": OFFICER, "password": "benchmark-password", "csrf": token})
            listing = c.get("/app/cases?case_type=dropout").text
            case_id = re.findall(r'href="/app/cases/((?:KB|SB|XB|DB|CB)[^"/?]*)"', listing)[0]
            person_id = re.findall(r'href="/app/persons/([^"/?]+)"', listing)[0]
            name = re.findall(r'<a href="/app/persons/[^"]+">([^<]+)</a>', listing)[0][:1]
            reviews = re.findall(r'href="/app/reviews/(R[0-9a-f]{12})"', c.get("/app/reviews").text)
            village = store.execute_read(lambda tx: tx.run(
                "MATCH (p:Person) WHERE p.target = true AND p.active_reg_code STARTS WITH $county "
                "RETURN p.active_reg_code AS code, count(*) AS n ORDER BY n DESC, code LIMIT 1", county=county).data()
            )[0]["code"]
            contact = re.findall(r'href="/app/contacts/([^"/?]+)"', c.get(f"/app/villages/{village}").text)[0]
            pages = {
                "工作台 /app/": "/app/",
                "台账 /app/cases": "/app/cases",
                "台账 逾期辍学": "/app/cases?case_type=dropout&overdue=1",
                "台账 搜索姓氏": f"/app/cases?q={name}",
                "台账 第 20 页": "/app/cases?page=20&sort=-deadline",
                "案件": f"/app/cases/{case_id}",
                "儿童档案": f"/app/persons/{person_id}",
                "身份核查 /app/reviews": "/app/reviews",
                "三包 按村": "/app/contacts",
                "三包 村": f"/app/villages/{village}",
                "三包 村·可选联系人": f"/app/villages/{village}/choices",
                "三包 联系人": f"/app/contacts/{contact}",
            }
            if reviews:  # the first of the county's queue: its two records and the explanation
                pages["身份核查 一处冲突（再看）"] = f"/app/reviews/{reviews[0]}"
            else:
                print("（本县没有待核身份冲突：不测一处冲突的页面）")
            print(f"县 {county}，每页 {args.repeat} 次（进程内，毫秒）")
            for label, url in pages.items():
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    r = c.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                    assert r.status_code == 200, (url, r.status_code)
                times.sort()
                p95 = times[max(0, int(len(times) * 0.95) - 1)]
                print(f"{label:<16} p50 {statistics.median(times):7.1f}  p95 {p95:7.1f}")
            # a review seen for the first time: the pair scored by Splink (each review once, no repeat)
            times = []
            for review_id in reviews[1:][: args.repeat]:
                start = time.perf_counter()
                r = c.get(f"/app/reviews/{review_id}")
                times.append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200, (review_id, r.status_code)
            if times:
                times.sort()
                p95 = times[max(0, int(len(times) * 0.95) - 1)]
                print(f"{'身份核查 一处冲突（首次）':<16} p50 {statistics.median(times):7.1f}  p95 {p95:7.1f}"
                      f"  （{len(times)} 处）")


if __name__ == "__main__":
    main()
