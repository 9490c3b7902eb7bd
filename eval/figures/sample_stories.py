"""Draw the figure-gold stories at random, reproducibly, from the CCTV 新闻联播 transcripts.

Usage: python eval/figures/sample_stories.py [--data DIR] [--part dev|blind]
DIR defaults to data/news/xwlb of $NEWSKG_SHARED or of ../shared next to the repo.
Prints one line per chosen story: part, bucket, id, title.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from pathlib import Path

from corpus.shared_data import shared_location

YEARS = range(2012, 2024)
SEED = 20261208
MAX_CHARS = 2500          # keeps one story annotatable in a few minutes; see README
MAX_PER_YEAR = 2          # spreads each part across the years
# Topic buckets: a story belongs to a bucket when its title contains one of the words.
BUCKETS: dict[str, tuple[str, ...]] = {
    "economy": ("经济", "GDP", "国内生产总值", "CPI", "居民消费价格", "消费", "投资", "财政", "税", "工业", "统计局", "就业", "金融"),
    "trade": ("进出口", "外贸", "贸易", "出口", "进口", "海关", "外资", "口岸"),
    "transport": ("铁路", "高铁", "民航", "航班", "机场", "公路", "港口", "中欧班列", "春运", "客流", "物流", "快递", "运输"),
    "energy": ("能源", "电力", "发电", "用电", "电网", "光伏", "风电", "核电", "石油", "原油", "天然气", "煤"),
    "farming": ("粮食", "农业", "夏粮", "秋粮", "小麦", "水稻", "玉米", "收购", "三农", "农民", "农村", "耕地", "种业"),
    "provinces": ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
                  "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
                  "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆"),
    "companies": ("企业", "公司", "集团", "民营", "国企", "央企", "上市"),
    "holidays": ("假期", "春节", "国庆", "黄金周", "五一", "端午", "中秋", "清明", "元旦", "节日", "长假"),
}
PARTS = {"dev": (SEED, 2), "blind": (SEED + 1, 1)}   # seed, stories per bucket
EXTRA = {"dev": 2, "blind": 2}                          # further stories from the whole eligible pool
DIGEST = re.compile(r"联播快讯")
# A number: digits or Chinese numerals followed by a unit or a magnitude word (12.5%, 300亿, 1500万吨,
# 50多家, 三十多个, 两万人, 四成). Dates and identifiers (2015年, 4月17日, 8时, 14师, 第10届) do not
# count, nor do single numerals before a measure word (一批, 一方面): they are not quantities.
UNIT = ("%％万亿千百个名人家辆列架条台吨元美欧英件项座所户套倍只头米斤亩余多"
        "公平立度艘趟班支批场次例起单位种门款株棵匹张块部份瓶箱颗")
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:[万亿]+|(?=[" + UNIT + r"]))"
                    r"|[零一二两三四五六七八九]*[十百千万亿][零一二两三四五六七八九十百千万亿]*(?=[" + UNIT + r"])"
                    r"|[一二三四五六七八九]成")


def data_dir(arg: str | None) -> Path:
    """The xwlb folder: --data, else data/news/xwlb of the shared folder (corpus.shared_data)."""
    if arg:
        return Path(arg)
    xwlb = shared_location() / "data" / "news" / "xwlb"
    if not xwlb.is_dir():
        raise SystemExit("xwlb data not found: pass --data or set NEWSKG_SHARED")
    return xwlb


def eligible(story: dict) -> bool:
    """Not a digest, not too long, and at least 3 numbers that are not dates."""
    if DIGEST.search(story["title"]) or len(story["text"]) > MAX_CHARS:
        return False
    return len(NUMBER.findall(story["text"])) >= 3


def load(folder: Path) -> list[dict]:
    """All eligible stories of 2012-2023 in file order."""
    out = []
    for year in YEARS:
        path = folder / f"{year}.jsonl.gz"
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                story = json.loads(line)
                if eligible(story):
                    story["year"] = year
                    out.append(story)
    return out


def draw(stories: list[dict], part: str, taken: set[str]) -> list[tuple[str, dict]]:
    """Per bucket, shuffle its stories with the part's seed and take the first ones whose year is not full."""
    seed, per_bucket = PARTS[part]
    rng = random.Random(seed)
    per_year: dict[int, int] = {}
    chosen: list[tuple[str, dict]] = []

    def take(bucket: str, pool: list[dict], k: int) -> None:
        pool = sorted(pool, key=lambda s: s["id"])
        rng.shuffle(pool)
        got = 0
        for s in pool:
            if got == k:
                break
            if s["id"] in taken or per_year.get(s["year"], 0) >= MAX_PER_YEAR:
                continue
            taken.add(s["id"])
            per_year[s["year"]] = per_year.get(s["year"], 0) + 1
            chosen.append((bucket, s))
            got += 1

    for bucket, words in BUCKETS.items():
        take(bucket, [s for s in stories if any(w in s["title"] for w in words)], per_bucket)
    take("any", stories, EXTRA[part])
    return chosen


def main() -> None:
    """Print the chosen ids of both parts (dev first, so blind never overlaps it)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data")
    ap.add_argument("--part", choices=["dev", "blind"])
    args = ap.parse_args()
    stories = load(data_dir(args.data))
    taken: set[str] = set()
    for part in ("dev", "blind"):
        for bucket, s in draw(stories, part, taken):
            if args.part in (None, part):
                print(part, bucket, s["id"], s["title"], sep="\t")


if __name__ == "__main__":
    main()
