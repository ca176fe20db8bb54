"""Benchmark of the PostgreSQL search (govopen_search) -- a measurement, not a test.

Loads N synthetic datasets with Chinese text straight into the index table of its own
database (bypassing package_create for speed, but through the same ``build_row`` that
indexing uses, so rows are in the production format), then times ``package_search``'s
query path (core's ``PackageSearchQuery.run`` on our connection) with ``q``, two ``fq``
filters and four facets, the way package_search calls it for an anonymous user.

    .venv/bin/python benchmarks/search.py --n 10000
    .venv/bin/python benchmarks/search.py --n 100000 --queries 300

The database (default ``govopen_bench``) is created if missing (the role needs CREATEDB)
and reloaded when N differs from what it holds (``--reload`` forces it).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

ADMIN_URL = "postgresql://govopen:govopen@127.0.0.1:5432/postgres"
SITE_ID = "bench.govopen"

WORDS = (
    "城市 交通 运行 数据 公共 财政 预算 决算 教育 学校 招生 医疗 卫生 医院 药品 环境 空气 质量"
    " 水质 监测 河流 森林 农业 粮食 产量 气象 降水 温度 人口 普查 户籍 就业 社会 保障 养老 住房"
    " 公积金 土地 规划 建设 工程 项目 审批 许可 企业 登记 信用 税务 发票 统计 年鉴 公报 旅游 景区"
    " 文化 文物 体育 场馆 公交 地铁 线路 站点 停车 道路 桥梁 路况 能源 电力 用电 燃气 供水 排水"
    " 垃圾 分类 应急 安全 消防 地震 灾害 市场 监管 食品 抽检 价格 物价 商品 进出口 海关 科技 专利"
    " 知识产权 民政 婚姻 殡葬 慈善 残疾人 儿童 妇女 老年人 街道 社区 乡镇 村庄 行政 区划 政务 服务"
    " 办件 热线 投诉 建议 信息 公开 申请 目录 标准 规范").split()
DEPTS = ["交通运输局", "财政局", "教育局", "卫生健康委员会", "生态环境局", "农业农村局", "统计局",
         "住房和城乡建设局", "市场监督管理局", "民政局", "文化和旅游局", "应急管理局", "水务局",
         "自然资源和规划局", "科学技术局"]
FORMATS = ["CSV", "XLSX", "JSON", "PDF", "API", "SHP", "XML", "DOCX"]
OPEN_TYPES = ["主动公开", "依申请公开", "不予公开"]
SHARE_TYPES = ["无条件共享", "有条件共享", "不予共享"]
THEMES = ["交通出行", "财税金融", "教育文化", "医疗卫生", "生态环境", "农业农村", "社会保障",
          "城建住房", "市场监管", "公共安全", "科技创新", "民生服务"]
LICENSES = ["cc-by", "cc-by-sa", "odc-by", "other-open", "notspecified"]


def synthetic_doc(rng: random.Random, i: int, base: datetime) -> dict:
    n_orgs = 60
    org = "org-%02d" % rng.randrange(n_orgs)
    dept = DEPTS[rng.randrange(len(DEPTS))]
    words = rng.sample(WORDS, rng.randint(2, 4))
    title = "%s%s%s" % (dept[:2], "".join(words), rng.choice(["数据", "统计表", "信息", "公报", "目录"]))
    notes = "，".join("".join(rng.sample(WORDS, rng.randint(3, 6))) for _ in range(rng.randint(3, 8)))
    tags = rng.sample(WORDS, rng.randint(1, 5))
    formats = [rng.choice(FORMATS) for _ in range(rng.randint(1, 4))]
    private = rng.random() < 0.1
    modified = base - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
    pkg_id = str(uuid.UUID(int=rng.getrandbits(128)))
    name = "dataset-%07d" % i
    data_dict = {"id": pkg_id, "name": name, "title": title, "notes": notes,
                 "tags": [{"name": t} for t in tags], "owner_org": org}
    doc = {
        "id": pkg_id, "index_id": uuid.uuid4().hex, "site_id": SITE_ID, "name": name,
        "title": title, "title_string": title, "notes": notes, "tags": tags,
        "groups": ["group-%02d" % rng.randrange(20)] if rng.random() < 0.5 else [],
        "organization": org, "owner_org": org, "res_format": formats,
        "res_name": ["%s%s" % (w, f) for w, f in zip(rng.sample(WORDS, len(formats)), formats)],
        "res_description": [], "res_url": ["http://data.example.gov.cn/%s/%d.%s" % (org, k, f.lower())
                                            for k, f in enumerate(formats)],
        "license_id": rng.choice(LICENSES), "open_type": rng.choice(OPEN_TYPES),
        "share_type": rng.choice(SHARE_TYPES), "theme": rng.choice(THEMES),
        "state": "active" if rng.random() < 0.97 else "draft",
        "private": private, "capacity": "private" if private else "public",
        "entity_type": "package", "dataset_type": "dataset", "type": "dataset",
        "num_resources": len(formats), "num_tags": len(tags),
        "metadata_created": (modified - timedelta(days=rng.randrange(400))).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"),
        "metadata_modified": modified.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "permission_labels": ["member-%s" % org] if private else ["public"],
        "data_dict": json.dumps(data_dict, ensure_ascii=False),
        "validated_data_dict": json.dumps(data_dict, ensure_ascii=False),
    }
    return doc


def ensure_database(name: str) -> str:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": name}).scalar()
        if not exists:
            conn.execute(sa.text('CREATE DATABASE "%s"' % name.replace('"', "")))
    admin.dispose()
    return "postgresql://govopen:govopen@127.0.0.1:5432/%s" % name


def load(engine, n: int, seed: int) -> None:
    from psycopg2.extras import execute_values

    from ckanext.govopen.search.document import build_row
    from ckanext.govopen.search.schema import TABLE_NAME, ensure_table, index_table

    gin = [ix for ix in index_table.indexes if ix.dialect_options["postgresql"]["using"]]
    with engine.begin() as conn:
        index_table.drop(bind=conn, checkfirst=True)
        ensure_table(conn)            # the production DDL (table, indexes, version)
        for ix in gin:                # bulk load first, build GIN indexes after
            ix.drop(bind=conn)
    rng = random.Random(seed)
    base = datetime(2026, 11, 1, tzinfo=timezone.utc)
    cols = ["index_id", "id", "name", "site_id", "state", "capacity", "permission_labels",
            "metadata_modified", "metadata_created",
            "title_string", "terms", "facet_terms", "tsv", "tsv_head", "doc", "data_dict", "validated_data_dict"]
    sql = ("INSERT INTO " + TABLE_NAME + " (" + ", ".join(cols) + ") VALUES %s")
    template = ("(%(index_id)s, %(id)s, %(name)s, %(site_id)s, %(state)s, %(capacity)s,"
                " %(permission_labels)s::text[], %(metadata_modified)s,"
                " %(metadata_created)s, %(title_string)s, %(terms)s::text[], %(facet_terms)s::text[],"
                " %(tsv)s::tsvector, ts_filter(%(tsv)s::tsvector, '{a,b}'), %(doc)s::jsonb, %(data_dict)s, %(validated_data_dict)s)")
    t0 = time.time()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        batch = []
        for i in range(n):
            batch.append(build_row(synthetic_doc(rng, i, base)))
            if len(batch) == 2000:
                execute_values(cur, sql, batch, template=template)
                batch = []
        if batch:
            execute_values(cur, sql, batch, template=template)
        raw.commit()
    finally:
        raw.close()
    t1 = time.time()
    with engine.begin() as conn:
        for ix in gin:
            ix.create(bind=conn)
        conn.execute(sa.text("ANALYZE " + TABLE_NAME))
    print("built GIN indexes in %.1f s" % (time.time() - t1))
    print("loaded %d datasets in %.1f s" % (n, time.time() - t0))


def run_queries(engine, n_queries: int, seed: int, with_q: bool = True) -> list[float]:
    import ckan.model as model
    from ckan.common import config

    from ckanext.govopen.search.backend import PostgresPackageSearchQuery

    config.update({"ckan.site_id": SITE_ID, "search.facets.limit": 50,
                   "ckan.search.solr_allowed_query_parsers": []})
    model.init_model(engine)
    rng = random.Random(seed + 1)
    timings = []
    for k in range(n_queries + 20):
        query = {
            "q": rng.choice(WORDS) if with_q else "",
            # what package_search sends for an anonymous user, plus two user filters
            "fq": '+capacity:public +state:(active) +open_type:"%s"' % rng.choice(OPEN_TYPES),
            "fq_list": ["res_format:%s" % rng.choice(FORMATS)],
            "facet.field": ["organization", "tags", "res_format", "theme"],
            "facet.limit": 50, "facet.mincount": 1, "rows": 20, "start": 0,
            "sort": "score desc, metadata_modified desc", "fl": "id validated_data_dict",
        }
        t0 = time.perf_counter()
        result = PostgresPackageSearchQuery().run(query, permission_labels=["public"])
        elapsed = (time.perf_counter() - t0) * 1000
        model.Session.remove()
        if k >= 20:       # warm-up
            timings.append(elapsed)
        if k == 20:
            print("  sample: q=%r fq=%r -> %d hits" % (query["q"], query["fq_list"],
                                                       result["count"]))
    return timings


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    idx = min(len(values) - 1, max(0, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[idx]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000, help="number of datasets")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--db", default="govopen_bench")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--reload", action="store_true")
    args = ap.parse_args(argv)

    url = ensure_database(args.db)
    engine = sa.create_engine(url)
    from ckanext.govopen.search.schema import TABLE_NAME
    with engine.connect() as conn:
        have = conn.execute(sa.text("SELECT CASE WHEN to_regclass(:t) IS NULL THEN -1 ELSE "
                                    "(SELECT reltuples::bigint FROM pg_class WHERE oid = "
                                    "to_regclass(:t)) END"), {"t": TABLE_NAME}).scalar()
        if have is not None and have >= 0:
            have = conn.execute(sa.text("SELECT count(*) FROM " + TABLE_NAME)).scalar()
    if args.reload or have != args.n:
        load(engine, args.n, args.seed)
    else:
        print("reusing %d datasets in %s" % (have, args.db))

    for label, with_q in (("q + 2 fq + 4 facets", True), ("no q (browse) + 2 fq + 4 facets", False)):
        timings = run_queries(engine, args.queries, args.seed, with_q=with_q)
        print("%-34s N=%d queries=%d  p50=%.1f ms  p95=%.1f ms  max=%.1f ms  mean=%.1f ms" % (
            label, args.n, len(timings), pct(timings, 50), pct(timings, 95), max(timings),
            statistics.mean(timings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
