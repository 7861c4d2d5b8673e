//! The Analytics screen's words in English and Thai (one table per language,
//! so a missing translation is a compile error; reached as
//! `Locale::analytics_strings`, so only the admin module carries them), and
//! the pure wording of KPI values: durations, rates, averages, statuses and
//! trends. Integer arithmetic only for the text: float formatting would weigh
//! on the wasm.

use natter_protocol::{TargetStatus, TrendDirection};

use super::fill;

/// Every string of the Analytics screen and of the settings page's targets section.
#[derive(Debug)]
pub struct AnalyticsStrings {
    pub title: &'static str,
    pub my_title: &'static str,
    pub my_intro: &'static str,
    pub period: &'static str,
    pub period_today: &'static str,
    pub period_week: &'static str,
    pub period_month: &'static str,
    pub loading: &'static str,
    /// `{0}`: the relay's words.
    pub failed: &'static str,
    pub none: &'static str,
    // live now
    pub live_title: &'static str,
    pub live_waiting: &'static str,
    pub live_active: &'static str,
    pub live_online: &'static str,
    pub live_away: &'static str,
    pub live_busy: &'static str,
    pub live_longest: &'static str,
    // figures
    pub figures_title: &'static str,
    pub fig_conversations: &'static str,
    pub fig_frt_median: &'static str,
    pub fig_frt_p90: &'static str,
    pub fig_resolution: &'static str,
    pub fig_csat: &'static str,
    pub fig_fcr: &'static str,
    pub fig_missed: &'static str,
    /// `{0}`: missed chats, `{1}`: their share.
    pub missed_of: &'static str,
    /// `{0}`: the share of 4 and 5.
    pub csat_satisfied: &'static str,
    pub status_green: &'static str,
    pub status_yellow: &'static str,
    pub status_red: &'static str,
    /// `{0}`: the target.
    pub target_is: &'static str,
    pub trend_up: &'static str,
    pub trend_down: &'static str,
    pub trend_flat: &'static str,
    pub better: &'static str,
    pub worse: &'static str,
    /// `{0}`: the previous period's value.
    pub previous_was: &'static str,
    pub targets_hint: &'static str,
    // charts
    pub chart_conversations: &'static str,
    pub chart_frt: &'static str,
    pub chart_heatmap: &'static str,
    pub chart_csat: &'static str,
    /// `{0}`: the chart's title, `{1}`: the highest value, `{2}`: the total.
    pub chart_summary: &'static str,
    /// `{0}`: the chart's title, `{1}`: the highest value.
    pub chart_peak: &'static str,
    pub show_table: &'static str,
    pub col_day: &'static str,
    pub col_hour: &'static str,
    pub col_weekday: &'static str,
    pub col_score: &'static str,
    pub col_ratings: &'static str,
    pub weekdays: [&'static str; 7],
    // scorecards
    pub agents_title: &'static str,
    pub my_card_title: &'static str,
    pub col_agent: &'static str,
    pub col_chats: &'static str,
    pub col_frt_avg: &'static str,
    pub col_resolution: &'static str,
    pub col_csat: &'static str,
    pub col_transfers: &'static str,
    pub col_fcr: &'static str,
    pub no_data: &'static str,
    // breakdowns
    pub breakdown_title: &'static str,
    pub by_label: &'static str,
    pub by_skill: &'static str,
    pub by_tag: &'static str,
    pub by_reason: &'static str,
    pub col_group: &'static str,
    pub col_conversations: &'static str,
    pub col_missed: &'static str,
    pub no_group: &'static str,
    // ratings
    pub ratings_title: &'static str,
    pub ratings_score: &'static str,
    pub any_score: &'static str,
    pub more: &'static str,
    pub no_ratings: &'static str,
    pub col_when: &'static str,
    pub col_visitor: &'static str,
    pub col_comment: &'static str,
    /// `{0}`: the score.
    pub score_of: &'static str,
    // exports
    pub exports_title: &'static str,
    pub exports_hint: &'static str,
    pub export_conversations: &'static str,
    pub export_messages: &'static str,
    pub export_ratings: &'static str,
    pub export_agent: &'static str,
    pub any_agent: &'static str,
    pub export_tag: &'static str,
    pub any_tag: &'static str,
    pub export_rating: &'static str,
    pub exporting: &'static str,
    /// `{0}`: why.
    pub export_failed: &'static str,
    // targets (settings page)
    pub sec_targets: &'static str,
    pub t_frt: &'static str,
    pub t_resolution: &'static str,
    pub t_csat: &'static str,
    pub t_fcr: &'static str,
    pub t_missed: &'static str,
    pub t_margin: &'static str,
    pub t_reopen: &'static str,
    pub t_see_team: &'static str,
    pub t_blank: &'static str,
    // units
    pub u_secs: &'static str,
    pub u_mins: &'static str,
    pub u_hours: &'static str,
}

pub static EN: AnalyticsStrings = AnalyticsStrings {
    title: "Analytics",
    my_title: "My stats",
    my_intro: "Your own figures for the period.",
    period: "Period",
    period_today: "Today",
    period_week: "Last 7 days",
    period_month: "Last 30 days",
    loading: "Loading…",
    failed: "Could not load: {0}",
    none: "—",
    live_title: "Live now",
    live_waiting: "Waiting",
    live_active: "Active",
    live_online: "Agents online",
    live_away: "Away",
    live_busy: "Busy",
    live_longest: "Longest wait",
    figures_title: "Figures",
    fig_conversations: "Conversations",
    fig_frt_median: "First response (median)",
    fig_frt_p90: "First response (90th percentile)",
    fig_resolution: "Resolution time (average)",
    fig_csat: "Satisfaction (average of 5)",
    fig_fcr: "First-contact resolution",
    fig_missed: "Missed chats",
    missed_of: "{0} ({1})",
    csat_satisfied: "Satisfied (4–5): {0}",
    status_green: "On target",
    status_yellow: "Near target",
    status_red: "Off target",
    target_is: "target {0}",
    trend_up: "Up",
    trend_down: "Down",
    trend_flat: "Flat",
    better: "better",
    worse: "worse",
    previous_was: "previous period: {0}",
    targets_hint: "Targets are set in Workspace settings.",
    chart_conversations: "Conversations per day",
    chart_frt: "First response per day (median)",
    chart_heatmap: "Conversations by weekday and hour",
    chart_csat: "Ratings by score",
    chart_summary: "{0}: highest {1}, total {2}",
    chart_peak: "{0}: highest {1}",
    show_table: "Show as table",
    col_day: "Day",
    col_hour: "Hour",
    col_weekday: "Weekday",
    col_score: "Score",
    col_ratings: "Ratings",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    agents_title: "Agents",
    my_card_title: "My scorecard",
    col_agent: "Agent",
    col_chats: "Chats",
    col_frt_avg: "First response (avg)",
    col_resolution: "Resolution (avg)",
    col_csat: "Satisfaction",
    col_transfers: "Transfers",
    col_fcr: "First-contact resolution",
    no_data: "No conversations in this period.",
    breakdown_title: "Breakdown",
    by_label: "Group by",
    by_skill: "Department (skill)",
    by_tag: "Tag",
    by_reason: "Closed reason",
    col_group: "Group",
    col_conversations: "Conversations",
    col_missed: "Missed",
    no_group: "(none)",
    ratings_title: "Ratings and comments",
    ratings_score: "Score",
    any_score: "Any score",
    more: "Show more",
    no_ratings: "No ratings yet.",
    col_when: "When",
    col_visitor: "Visitor",
    col_comment: "Comment",
    score_of: "{0} of 5",
    exports_title: "Export (CSV)",
    exports_hint: "Covers the period chosen above.",
    export_conversations: "Conversations CSV",
    export_messages: "Messages CSV",
    export_ratings: "Ratings CSV",
    export_agent: "Agent",
    any_agent: "Every agent",
    export_tag: "Tag",
    any_tag: "Any tag",
    export_rating: "Rating",
    exporting: "Exporting…",
    export_failed: "Export failed: {0}",
    sec_targets: "Targets and analytics",
    t_frt: "First response, median, at most (seconds)",
    t_resolution: "Resolution time, average, at most (seconds)",
    t_csat: "Satisfaction, average, at least (1–5)",
    t_fcr: "First-contact resolution at least (%)",
    t_missed: "Missed chats at most (%)",
    t_margin: "Yellow within (% of the target)",
    t_reopen: "Back within this many days: not resolved at first contact",
    t_see_team: "Plain agents may see every agent's scorecard",
    t_blank: "Leave a target blank for none.",
    u_secs: "{0} s",
    u_mins: "{0} min",
    u_hours: "{0} h",
};

pub static TH: AnalyticsStrings = AnalyticsStrings {
    title: "การวิเคราะห์",
    my_title: "สถิติของฉัน",
    my_intro: "ตัวเลขของคุณในช่วงเวลานี้",
    period: "ช่วงเวลา",
    period_today: "วันนี้",
    period_week: "7 วันล่าสุด",
    period_month: "30 วันล่าสุด",
    loading: "กำลังโหลด…",
    failed: "โหลดไม่สำเร็จ: {0}",
    none: "—",
    live_title: "ขณะนี้",
    live_waiting: "รออยู่",
    live_active: "กำลังสนทนา",
    live_online: "เจ้าหน้าที่ออนไลน์",
    live_away: "ไม่อยู่",
    live_busy: "ไม่ว่าง",
    live_longest: "รอนานที่สุด",
    figures_title: "ตัวเลข",
    fig_conversations: "บทสนทนา",
    fig_frt_median: "ตอบครั้งแรก (มัธยฐาน)",
    fig_frt_p90: "ตอบครั้งแรก (เปอร์เซ็นไทล์ที่ 90)",
    fig_resolution: "เวลาแก้ปัญหา (เฉลี่ย)",
    fig_csat: "ความพึงพอใจ (เฉลี่ยจาก 5)",
    fig_fcr: "แก้ได้ในการติดต่อครั้งแรก",
    fig_missed: "แชทที่พลาด",
    missed_of: "{0} ({1})",
    csat_satisfied: "พอใจ (4–5): {0}",
    status_green: "ถึงเป้าหมาย",
    status_yellow: "ใกล้เป้าหมาย",
    status_red: "ไม่ถึงเป้าหมาย",
    target_is: "เป้าหมาย {0}",
    trend_up: "เพิ่มขึ้น",
    trend_down: "ลดลง",
    trend_flat: "คงที่",
    better: "ดีขึ้น",
    worse: "แย่ลง",
    previous_was: "ช่วงก่อนหน้า: {0}",
    targets_hint: "ตั้งเป้าหมายได้ที่ตั้งค่าเวิร์กสเปซ",
    chart_conversations: "บทสนทนาต่อวัน",
    chart_frt: "ตอบครั้งแรกต่อวัน (มัธยฐาน)",
    chart_heatmap: "บทสนทนาตามวันและชั่วโมง",
    chart_csat: "คะแนนตามระดับ",
    chart_summary: "{0}: สูงสุด {1}, รวม {2}",
    chart_peak: "{0}: สูงสุด {1}",
    show_table: "แสดงเป็นตาราง",
    col_day: "วัน",
    col_hour: "ชั่วโมง",
    col_weekday: "วันในสัปดาห์",
    col_score: "คะแนน",
    col_ratings: "จำนวนคะแนน",
    weekdays: ["จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา."],
    agents_title: "เจ้าหน้าที่",
    my_card_title: "สรุปผลของฉัน",
    col_agent: "เจ้าหน้าที่",
    col_chats: "แชท",
    col_frt_avg: "ตอบครั้งแรก (เฉลี่ย)",
    col_resolution: "แก้ปัญหา (เฉลี่ย)",
    col_csat: "ความพึงพอใจ",
    col_transfers: "โอนต่อ",
    col_fcr: "แก้ได้ในครั้งแรก",
    no_data: "ไม่มีบทสนทนาในช่วงเวลานี้",
    breakdown_title: "แยกตามกลุ่ม",
    by_label: "จัดกลุ่มตาม",
    by_skill: "แผนก (ทักษะ)",
    by_tag: "แท็ก",
    by_reason: "เหตุผลที่ปิด",
    col_group: "กลุ่ม",
    col_conversations: "บทสนทนา",
    col_missed: "พลาด",
    no_group: "(ไม่มี)",
    ratings_title: "คะแนนและความคิดเห็น",
    ratings_score: "คะแนน",
    any_score: "ทุกคะแนน",
    more: "แสดงเพิ่ม",
    no_ratings: "ยังไม่มีคะแนน",
    col_when: "เมื่อ",
    col_visitor: "ผู้เยี่ยมชม",
    col_comment: "ความคิดเห็น",
    score_of: "{0} จาก 5",
    exports_title: "ส่งออก (CSV)",
    exports_hint: "ครอบคลุมช่วงเวลาที่เลือกไว้ด้านบน",
    export_conversations: "CSV บทสนทนา",
    export_messages: "CSV ข้อความ",
    export_ratings: "CSV คะแนน",
    export_agent: "เจ้าหน้าที่",
    any_agent: "เจ้าหน้าที่ทุกคน",
    export_tag: "แท็ก",
    any_tag: "ทุกแท็ก",
    export_rating: "คะแนน",
    exporting: "กำลังส่งออก…",
    export_failed: "ส่งออกไม่สำเร็จ: {0}",
    sec_targets: "เป้าหมายและการวิเคราะห์",
    t_frt: "ตอบครั้งแรก มัธยฐาน ไม่เกิน (วินาที)",
    t_resolution: "เวลาแก้ปัญหา เฉลี่ย ไม่เกิน (วินาที)",
    t_csat: "ความพึงพอใจ เฉลี่ย อย่างน้อย (1–5)",
    t_fcr: "แก้ได้ในการติดต่อครั้งแรก อย่างน้อย (%)",
    t_missed: "แชทที่พลาด ไม่เกิน (%)",
    t_margin: "สีเหลืองเมื่อพลาดไม่เกิน (% ของเป้าหมาย)",
    t_reopen: "กลับมาภายในกี่วัน จึงนับว่าไม่ได้แก้ในครั้งแรก",
    t_see_team: "เจ้าหน้าที่ทั่วไปดูสรุปผลของทุกคนได้",
    t_blank: "เว้นว่างไว้หากไม่มีเป้าหมาย",
    u_secs: "{0} วินาที",
    u_mins: "{0} นาที",
    u_hours: "{0} ชม.",
};

/// A KPI duration to the second under an hour: "42 s", "3 min 5 s", "2 h 10 min".
pub fn duration(a: &AnalyticsStrings, ms: i64) -> String {
    let secs = (ms.max(0) + 500) / 1000;
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let part = |t: &str, n: i64| fill(t, &[&n.to_string()]);
    match (h, m, s) {
        (0, 0, s) => part(a.u_secs, s),
        (0, m, 0) => part(a.u_mins, m),
        (0, m, s) => format!("{} {}", part(a.u_mins, m), part(a.u_secs, s)),
        (h, 0, _) => part(a.u_hours, h),
        (h, m, _) => format!("{} {}", part(a.u_hours, h), part(a.u_mins, m)),
    }
}

/// A fraction (0–1) as a whole percentage: "87%".
pub fn percent(rate: f64) -> String {
    format!("{}%", (rate * 100.0).round() as i64)
}

/// A value with two decimals: 4.5 → "4.50".
pub fn hundredths(v: f64) -> String {
    let n = (v * 100.0).round() as i64;
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", n.abs() / 100, n.abs() % 100)
}

/// A judged figure's value in its unit (`name` as the API names it).
pub fn judged_value(a: &AnalyticsStrings, name: &str, v: f64) -> String {
    match name {
        "csat_avg" => hundredths(v),
        "fcr_rate" | "missed_rate" => percent(v),
        _ => duration(a, v as i64),
    }
}

pub fn status(a: &AnalyticsStrings, s: TargetStatus) -> &'static str {
    match s {
        TargetStatus::Green => a.status_green,
        TargetStatus::Yellow => a.status_yellow,
        TargetStatus::Red => a.status_red,
    }
}

/// The arrow (shown, hidden from screen readers) and the words (read).
pub fn trend(a: &AnalyticsStrings, t: TrendDirection, better: Option<bool>) -> (&'static str, String) {
    let (arrow, dir) = match t {
        TrendDirection::Up => ("↑", a.trend_up),
        TrendDirection::Down => ("↓", a.trend_down),
        TrendDirection::Flat => ("→", a.trend_flat),
    };
    let words = match better {
        Some(true) => format!("{dir}, {}", a.better),
        Some(false) => format!("{dir}, {}", a.worse),
        None => dir.to_owned(),
    };
    (arrow, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_to_the_second_under_an_hour() {
        assert_eq!(duration(&EN, 0), "0 s");
        assert_eq!(duration(&EN, 41_600), "42 s");
        assert_eq!(duration(&EN, 120_000), "2 min");
        assert_eq!(duration(&EN, 185_000), "3 min 5 s");
        assert_eq!(duration(&EN, 7_800_000), "2 h 10 min");
        assert_eq!(duration(&EN, 7_200_000), "2 h");
        assert_eq!(duration(&TH, 65_000), "1 นาที 5 วินาที");
    }

    #[test]
    fn rates_and_averages_round_without_float_formatting() {
        assert_eq!(percent(0.875), "88%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(hundredths(4.5), "4.50");
        assert_eq!(hundredths(3.999), "4.00");
        assert_eq!(judged_value(&EN, "csat_avg", 4.25), "4.25");
        assert_eq!(judged_value(&EN, "missed_rate", 0.05), "5%");
        assert_eq!(judged_value(&EN, "frt_median_ms", 90_000.0), "1 min 30 s");
    }

    #[test]
    fn trends_say_which_way_and_whether_for_the_better() {
        assert_eq!(trend(&EN, TrendDirection::Down, Some(true)), ("↓", "Down, better".to_owned()));
        assert_eq!(trend(&EN, TrendDirection::Flat, None), ("→", "Flat".to_owned()));
        assert_eq!(status(&TH, TargetStatus::Red), "ไม่ถึงเป้าหมาย");
    }
}
