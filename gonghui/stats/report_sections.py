"""The annual report's sections for what the platform counts today: the union tree, members, joining,
transfers, new forms of employment and the membership rate. Later services add theirs in their own
`report_sections.py` (see gonghui.stats.report)."""
from gonghui.stats.report import Line, ReportContext, SectionBody, count_text, date_text, percent_text, report_section

FORMS = [("form_courier", "快递员"), ("form_rider", "外卖骑手"), ("form_ride_hailing", "网约车司机"),
         ("form_truck", "货车司机"), ("form_live_streamer", "网络主播"), ("form_domestic", "家政服务员"),
         ("form_other", "其他新就业形态劳动者")]


@report_section("orgs", "组织建设", order=10)
def orgs(ctx: ReportContext) -> SectionBody | None:
    s, f = ctx.stock, ctx.flows
    below = s["orgs_total"] - 1  # the org itself is not "建立的工会组织" of its own report
    if below <= 0 and not f["grassroots_founded"]:
        return None  # a grassroots union has no tree below it to report on
    sentences = []
    if below > 0:
        parts = [f"基层工会{count_text(s['orgs_grassroots'], '个')}"]
        if s["orgs_industry"]:
            parts.append(f"产业（行业）工会{count_text(s['orgs_industry'], '个')}")
        if s["orgs_regional"]:
            parts.append(f"区域性工会联合会{count_text(s['orgs_regional'], '个')}")
        if s["orgs_township"]:
            parts.append(f"乡镇（街道）工会{count_text(s['orgs_township'], '个')}")
        sentences.append(f"截至{date_text(ctx.end)}，{ctx.scope}共有各级工会组织{count_text(below, '个')}，"
                         f"其中{'、'.join(parts)}。")
    if f["grassroots_founded"]:
        sentences.append(f"{ctx.period}新建基层工会{count_text(f['grassroots_founded'], '个')}。")
    if s["grassroots_new_forms"]:
        sentences.append(f"已建立新业态工会组织{count_text(s['grassroots_new_forms'], '个')}。")
    lines = [Line("下级工会组织", below, "个"), Line("基层工会", s["orgs_grassroots"], "个"),
             Line("产业（行业）工会", s["orgs_industry"], "个"), Line("区域性工会联合会", s["orgs_regional"], "个"),
             Line("乡镇（街道）工会", s["orgs_township"], "个"), Line("新业态工会", s["grassroots_new_forms"], "个"),
             Line("期内新建基层工会", f["grassroots_founded"], "个")]
    return SectionBody(sentences, lines)


@report_section("members", "会员发展", order=20)
def members(ctx: ReportContext) -> SectionBody:
    s, f, before = ctx.stock, ctx.flows, ctx.stock_before
    growth = s["members"] - before["members"]
    sentences = [f"截至{date_text(ctx.end)}，{ctx.scope}共有工会会员{count_text(s['members'])}。"]
    if f["joined"]:
        sentence = f"{ctx.period}，{ctx.scope}新发展会员{count_text(f['joined'])}"
        if f["joined_new_forms"]:
            sentence += f"，其中新就业形态劳动者{count_text(f['joined_new_forms'])}"
        sentences.append(sentence + "。")
    else:
        sentences.append(f"{ctx.period}，{ctx.scope}没有新发展会员。")
    if growth > 0:
        sentences.append(f"会员总数比期初净增{count_text(growth)}。")
    elif growth < 0:
        sentences.append(f"会员总数比期初减少{count_text(-growth)}。")
    lines = [Line("期末会员", s["members"]), Line("期初会员", before["members"]), Line("新发展会员", f["joined"]),
             Line("其中新就业形态劳动者", f["joined_new_forms"]), Line("净增会员", growth)]
    return SectionBody(sentences, lines)


@report_section("composition", "会员构成", order=30)
def composition(ctx: ReportContext) -> SectionBody | None:
    s = ctx.stock
    if not s["members"]:
        return None
    young = s["age_35_under"]
    sentences = [f"在册会员中，女性{count_text(s['female'])}，35岁及以下{count_text(young)}，"
                 f"农民工{count_text(s['migrant'])}，少数民族{count_text(s['minority'])}，"
                 f"中共党员{count_text(s['cpc'])}。"]
    lines = [Line("男", s["male"]), Line("女", s["female"]), Line("35岁及以下", young),
             Line("36至45岁", s["age_36_45"]), Line("46至55岁", s["age_46_55"]), Line("56岁及以上", s["age_56_over"]),
             Line("汉族", s["han"]), Line("少数民族", s["minority"]), Line("农民工", s["migrant"]),
             Line("中共党员（含预备党员）", s["cpc"]), Line("研究生", s["edu_postgraduate"]),
             Line("大学本科", s["edu_bachelor"]), Line("大学专科", s["edu_college"]),
             Line("中专、高中", s["edu_secondary"]), Line("初中及以下", s["edu_junior_under"]),
             Line("其他或未填学历", s["edu_other"])]
    return SectionBody(sentences, lines)


@report_section("new_forms", "新就业形态劳动者入会", order=40)
def new_forms(ctx: ReportContext) -> SectionBody | None:
    s, f = ctx.stock, ctx.flows
    if not s["new_forms"] and not f["joined_new_forms"]:
        return None
    named = [f"{label}{count_text(s[key])}" for key, label in FORMS if s[key]]
    sentences = [f"{ctx.scope}在册新就业形态劳动者会员{count_text(s['new_forms'])}"
                 + (f"，其中{'、'.join(named)}" if named else "") + "。"]
    if f["joined_new_forms"]:
        sentences.append(f"{ctx.period}新吸纳新就业形态劳动者入会{count_text(f['joined_new_forms'])}。")
    lines = [Line("在册新就业形态劳动者会员", s["new_forms"]),
             *[Line(label, s[key]) for key, label in FORMS],
             Line("期内新就业形态劳动者入会", f["joined_new_forms"])]
    return SectionBody(sentences, lines)


@report_section("movements", "会籍变动", order=50)
def movements(ctx: ReportContext) -> SectionBody | None:
    f = ctx.flows
    if not any(f[k] for k in ("transferred_in", "transferred_out", "left", "retained")):
        return None
    sentences = [f"{ctx.period}，从{ctx.scope}以外转入会员{count_text(f['transferred_in'])}，"
                 f"转出到{ctx.scope}以外{count_text(f['transferred_out'])}，"
                 f"退会、除名及去世{count_text(f['left'])}，保留会籍{count_text(f['retained'])}。"]
    lines = [Line("转入会员", f["transferred_in"]), Line("转出会员", f["transferred_out"]),
             Line("退会、除名及去世", f["left"]), Line("保留会籍", f["retained"])]
    return SectionBody(sentences, lines)


@report_section("membership_rate", "入会率", order=60)
def membership_rate(ctx: ReportContext) -> SectionBody:
    from gonghui.stats.selectors import membership_rate as rate_of

    s = ctx.stock
    rate = rate_of(s)
    if rate is None:
        sentences = ["已建会单位尚未登记职工人数，暂无法计算入会率。"]
    else:
        sentences = [f"{ctx.scope}已建会单位共有职工{count_text(s['employees'])}，"
                     f"在册会员{count_text(s['members'])}，入会率{percent_text(rate)}。"]
    lines = [Line("已建会单位职工", s["employees"]), Line("在册会员", s["members"]),
             Line("入会率", None if rate is None else round(rate * 100, 1), "%")]
    return SectionBody(sentences, lines)
