//! The report's own words in the language its readers read: Chinese by default (the
//! province's leaders and the cities), English with `--lang en`. What the assessment says
//! (what is missing, facts, attention) carries its own words (`assess::Note`).

pub use crate::assess::Lang;

/// `en` in the report's language (the English words themselves when no translation is kept).
pub fn t(lang: Lang, en: &str) -> &str {
    if lang == Lang::En {
        return en;
    }
    match en {
        "assessment of the cities" => "各市考评",
        "Province table" => "全省总表",
        "Cities" => "各市详情",
        "Wave plan" => "批次计划",
        "Needing attention" => "需要关注",
        "How the score is made" => "评分方法",
        "city" => "城市",
        "wave" => "批次",
        "milestones" => "里程碑",
        "score" => "得分",
        "release" => "版本",
        "health" => "健康",
        "data score" => "数据得分",
        "concentration" => "数据集中",
        "last change" => "最近变更",
        "cities" => "城市",
        "planned start" => "计划开始",
        "planned live" => "计划上线",
        "first rollout" => "首次部署",
        "live now" => "已上线",
        "all live" => "全部上线",
        "against the plan" => "与计划相比",
        "criterion" => "指标",
        "weight" => "权重",
        "value" => "取值",
        "points" => "得分",
        "of" => "满分",
        "facts" => "依据",
        "environment ready" => "环境就绪",
        "schema ready" => "库表就绪",
        "application live" => "应用上线",
        "data concentrated" => "数据集中完成",
        "accepted" => "验收通过",
        "data_score" => "数据得分",
        "timeliness" => "按期程度",
        "never checked" => "从未检查",
        "never" => "无",
        "watch" => "留意",
        "problem" => "问题",
        "urgent" => "紧急",
        "Needs attention: " => "需要关注：",
        "not reached yet" => "尚未达成",
        "first reached " => "首次达成于 ",
        "holds" => "成立",
        "no longer holds" => "不再成立",
        " — missing: " => " — 尚缺：",
        ", " => "，",
        "score, one point a day" => "得分（每天一点）",
        "data-check score" => "数据检查得分",
        "on time" => "按期",
        "done (no planned date)" => "已完成（无计划日期）",
        "no planned date" => "无计划日期",
        "Cities needing attention first (⚠ a problem, ? to watch), then the lowest scores." => {
            "需要关注的城市在前（⚠ 问题，? 留意），其余按得分从低到高。"
        }
        _ => en,
    }
}

/// The one sentence on where the province stands.
pub fn summary(
    lang: Lang,
    cities: usize,
    live: usize,
    accepted: usize,
    flagged: usize,
    urgent: usize,
    not_built: usize,
) -> String {
    match lang {
        Lang::Zh => format!(
            "全省 {cities} 个城市中 {live} 个已上线、{accepted} 个已验收；{flagged} 个需要关注（其中 {urgent} 个紧急）；{not_built} 个尚未建设。"
        ),
        Lang::En => format!(
            "{live} of {cities} cities are live and {accepted} accepted; {flagged} need attention ({urgent} urgent); {not_built} are not built yet."
        ),
    }
}
