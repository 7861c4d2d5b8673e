//! The install section's words in English and Thai (one table per language, so
//! a missing translation is a compile error; reached as `strings().install`),
//! and the pure wording of origin errors, refusals and page checks.

use natter_protocol::origin::OriginError;
use natter_protocol::{EmbedSurface, PageCheck, RefusalReason};

use super::fill;

/// Every string of the install section.
#[derive(Debug)]
pub struct InstallStrings {
    pub title: &'static str,
    pub explain: &'static str,
    pub script_label: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub origins_title: &'static str,
    pub origins_hint: &'static str,
    pub origins_none: &'static str,
    pub origin_new: &'static str,
    pub origin_add: &'static str,
    pub origin_remove: &'static str,
    pub origin_remove_of: &'static str,
    pub origin_saved: &'static str,
    pub origin_duplicate: &'static str,
    pub oe_empty: &'static str,
    pub oe_too_long: &'static str,
    pub oe_no_scheme: &'static str,
    pub oe_bad_scheme: &'static str,
    pub oe_userinfo: &'static str,
    pub oe_path: &'static str,
    pub oe_query: &'static str,
    pub oe_fragment: &'static str,
    pub oe_no_host: &'static str,
    pub oe_bad_host: &'static str,
    pub oe_bad_port: &'static str,
    pub refused_title: &'static str,
    pub refused_hint: &'static str,
    pub refused_none: &'static str,
    pub refresh: &'static str,
    pub col_origin: &'static str,
    pub col_when: &'static str,
    pub col_why: &'static str,
    pub col_count: &'static str,
    pub no_origin: &'static str,
    pub why_config: &'static str,
    pub why_frame: &'static str,
    pub why_socket: &'static str,
    pub why_missing: &'static str,
    pub allow: &'static str,
    pub allow_of: &'static str,
    pub check_title: &'static str,
    pub check_hint: &'static str,
    pub check_label: &'static str,
    pub check_button: &'static str,
    pub checking: &'static str,
    pub check_all_good: &'static str,
    pub check_loader_ok: &'static str,
    pub check_loader_other: &'static str,
    pub check_loader_missing: &'static str,
    pub check_origin_ok: &'static str,
    pub check_origin_missing: &'static str,
    pub check_status: &'static str,
    pub err_unreachable: &'static str,
    pub err_bad_url: &'static str,
    pub err_busy: &'static str,
    pub err_refused: &'static str,
}

pub static EN: InstallStrings = InstallStrings {
    title: "Install on your shop",
    explain: "Paste this tag into every page of your shop, just before </body>. The chat bubble shows only on pages whose origin is allowed below.",
    script_label: "Script tag",
    copy: "Copy",
    copied: "Copied",
    loading: "Loading the install details…",
    load_failed: "Could not load the install details: {0}",
    origins_title: "Allowed origins",
    origins_hint: "An origin is the start of your shop's address, such as https://shop.example (no path). Changes apply at once. The relay's own pages are always allowed.",
    origins_none: "No origin is allowed yet: the chat shows on no shop page.",
    origin_new: "Add an origin",
    origin_add: "Add",
    origin_remove: "Remove",
    origin_remove_of: "Remove {0}",
    origin_saved: "Saved. It applies at once.",
    origin_duplicate: "{0} is already allowed.",
    oe_empty: "Enter an address such as https://shop.example.",
    oe_too_long: "This address is too long (at most 300 characters).",
    oe_no_scheme: "Start with http:// or https://, for example https://shop.example.",
    oe_bad_scheme: "Only http:// and https:// pages can show the chat.",
    oe_userinfo: "Remove the user name or password (the part before @).",
    oe_path: "Remove {0}: only the start of the address is needed, such as https://shop.example.",
    oe_query: "Remove the part from ? on: only the start of the address is needed.",
    oe_fragment: "Remove the part from # on: only the start of the address is needed.",
    oe_no_host: "The shop's host name is missing, for example https://shop.example.",
    oe_bad_host: "{0} is not a valid host name. Use letters, digits, - and . (international names in their xn-- form).",
    oe_bad_port: "{0} is not a valid port: use a number from 1 to 65535, or * for any port.",
    refused_title: "Refused embeds",
    refused_hint: "Pages the relay turned away since it last started, most recent first. If one of them is your shop, allow its origin.",
    refused_none: "None since the relay started.",
    refresh: "Refresh",
    col_origin: "Origin",
    col_when: "Last time",
    col_why: "Why",
    col_count: "Times",
    no_origin: "(none)",
    why_config: "Origin not allowed (loading the chat)",
    why_frame: "Origin not allowed (chat window)",
    why_socket: "Origin not allowed (chat connection)",
    why_missing: "No origin sent: not from a web page",
    allow: "Allow",
    allow_of: "Allow {0}",
    check_title: "Test my page",
    check_hint: "Enter the address of a page of your shop. The relay fetches it and tells you what is missing.",
    check_label: "Page address",
    check_button: "Test",
    checking: "Testing…",
    check_all_good: "All set: the chat bubble will show on this page.",
    check_loader_ok: "The page loads the chat script for this workspace.",
    check_loader_other: "The page loads the chat script, but for another workspace ({0}). Paste the tag above instead.",
    check_loader_missing: "The chat script is not on this page. Paste the tag above just before </body>.",
    check_origin_ok: "{0} is allowed.",
    check_origin_missing: "{0} is not allowed yet.",
    check_status: "The page answered with HTTP status {0}.",
    err_unreachable: "The relay could not fetch the page: {0}",
    err_bad_url: "Enter a full page address, such as https://shop.example/.",
    err_busy: "Other tests are running. Try again in a moment.",
    err_refused: "The relay refused: {0}",
};

pub static TH: InstallStrings = InstallStrings {
    title: "ติดตั้งบนร้านของคุณ",
    explain: "วางแท็กนี้ในทุกหน้าของร้าน ก่อน </body> ปุ่มแชตจะแสดงเฉพาะในหน้าที่ origin ได้รับอนุญาตด้านล่าง",
    script_label: "แท็กสคริปต์",
    copy: "คัดลอก",
    copied: "คัดลอกแล้ว",
    loading: "กำลังโหลดข้อมูลการติดตั้ง…",
    load_failed: "โหลดข้อมูลการติดตั้งไม่ได้: {0}",
    origins_title: "Origin ที่อนุญาต",
    origins_hint: "origin คือส่วนต้นของที่อยู่ร้าน เช่น https://shop.example (ไม่มี path) การเปลี่ยนแปลงมีผลทันที หน้าของรีเลย์เองได้รับอนุญาตเสมอ",
    origins_none: "ยังไม่ได้อนุญาต origin ใดเลย แชตจะไม่แสดงบนหน้าร้านใด",
    origin_new: "เพิ่ม origin",
    origin_add: "เพิ่ม",
    origin_remove: "ลบ",
    origin_remove_of: "ลบ {0}",
    origin_saved: "บันทึกแล้ว มีผลทันที",
    origin_duplicate: "{0} ได้รับอนุญาตอยู่แล้ว",
    oe_empty: "ใส่ที่อยู่ เช่น https://shop.example",
    oe_too_long: "ที่อยู่นี้ยาวเกินไป (ไม่เกิน 300 ตัวอักษร)",
    oe_no_scheme: "ขึ้นต้นด้วย http:// หรือ https:// เช่น https://shop.example",
    oe_bad_scheme: "แชตแสดงได้เฉพาะหน้าเว็บ http:// และ https://",
    oe_userinfo: "ลบชื่อผู้ใช้หรือรหัสผ่าน (ส่วนก่อนเครื่องหมาย @)",
    oe_path: "ลบ {0} ออก ใช้เพียงส่วนต้นของที่อยู่ เช่น https://shop.example",
    oe_query: "ลบส่วนตั้งแต่ ? เป็นต้นไป ใช้เพียงส่วนต้นของที่อยู่",
    oe_fragment: "ลบส่วนตั้งแต่ # เป็นต้นไป ใช้เพียงส่วนต้นของที่อยู่",
    oe_no_host: "ไม่มีชื่อโฮสต์ของร้าน เช่น https://shop.example",
    oe_bad_host: "{0} ไม่ใช่ชื่อโฮสต์ที่ถูกต้อง ใช้ตัวอักษร ตัวเลข - และ . (ชื่อภาษาอื่นให้ใช้รูปแบบ xn--)",
    oe_bad_port: "{0} ไม่ใช่พอร์ตที่ถูกต้อง ใช้ตัวเลข 1 ถึง 65535 หรือ * สำหรับทุกพอร์ต",
    refused_title: "การฝังที่ถูกปฏิเสธ",
    refused_hint: "หน้าที่รีเลย์ปฏิเสธตั้งแต่เริ่มทำงานครั้งล่าสุด ล่าสุดอยู่บน หากเป็นร้านของคุณ ให้อนุญาต origin นั้น",
    refused_none: "ไม่มีตั้งแต่รีเลย์เริ่มทำงาน",
    refresh: "รีเฟรช",
    col_origin: "Origin",
    col_when: "ครั้งล่าสุด",
    col_why: "สาเหตุ",
    col_count: "จำนวนครั้ง",
    no_origin: "(ไม่มี)",
    why_config: "origin ไม่ได้รับอนุญาต (โหลดแชต)",
    why_frame: "origin ไม่ได้รับอนุญาต (หน้าต่างแชต)",
    why_socket: "origin ไม่ได้รับอนุญาต (การเชื่อมต่อแชต)",
    why_missing: "ไม่มี origin: ไม่ได้มาจากหน้าเว็บ",
    allow: "อนุญาต",
    allow_of: "อนุญาต {0}",
    check_title: "ทดสอบหน้าของฉัน",
    check_hint: "ใส่ที่อยู่ของหน้าหนึ่งในร้าน รีเลย์จะโหลดหน้านั้นและบอกว่ายังขาดอะไร",
    check_label: "ที่อยู่หน้าเว็บ",
    check_button: "ทดสอบ",
    checking: "กำลังทดสอบ…",
    check_all_good: "เรียบร้อย ปุ่มแชตจะแสดงบนหน้านี้",
    check_loader_ok: "หน้านี้โหลดสคริปต์แชตของเวิร์กสเปซนี้",
    check_loader_other: "หน้านี้โหลดสคริปต์แชตของเวิร์กสเปซอื่น ({0}) ให้ใช้แท็กด้านบนแทน",
    check_loader_missing: "ไม่พบสคริปต์แชตในหน้านี้ วางแท็กด้านบนก่อน </body>",
    check_origin_ok: "{0} ได้รับอนุญาตแล้ว",
    check_origin_missing: "{0} ยังไม่ได้รับอนุญาต",
    check_status: "หน้านี้ตอบกลับด้วยสถานะ HTTP {0}",
    err_unreachable: "รีเลย์โหลดหน้านี้ไม่ได้: {0}",
    err_bad_url: "ใส่ที่อยู่หน้าเว็บแบบเต็ม เช่น https://shop.example/",
    err_busy: "มีการทดสอบอื่นอยู่ ลองอีกครั้งในอีกสักครู่",
    err_refused: "รีเลย์ปฏิเสธ: {0}",
};

/// Why an origin the owner typed cannot be allowed, in their language.
pub fn origin_error_text(s: &InstallStrings, e: &OriginError) -> String {
    match e {
        OriginError::Empty => s.oe_empty.to_owned(),
        OriginError::TooLong => s.oe_too_long.to_owned(),
        OriginError::NoScheme => s.oe_no_scheme.to_owned(),
        OriginError::BadScheme(_) => s.oe_bad_scheme.to_owned(),
        OriginError::Userinfo => s.oe_userinfo.to_owned(),
        OriginError::Path(p) => fill(s.oe_path, &[p]),
        OriginError::Query => s.oe_query.to_owned(),
        OriginError::Fragment => s.oe_fragment.to_owned(),
        OriginError::NoHost => s.oe_no_host.to_owned(),
        OriginError::BadHost(h) => fill(s.oe_bad_host, &[h]),
        OriginError::BadPort(p) => fill(s.oe_bad_port, &[p]),
    }
}

/// Why the relay refused an embed, in the owner's words.
pub fn refusal_text(s: &InstallStrings, surface: EmbedSurface, reason: RefusalReason) -> &'static str {
    match (reason, surface) {
        (RefusalReason::OriginMissing, _) => s.why_missing,
        (RefusalReason::OriginNotAllowed, EmbedSurface::Config) => s.why_config,
        (RefusalReason::OriginNotAllowed, EmbedSurface::Frame) => s.why_frame,
        (RefusalReason::OriginNotAllowed, EmbedSurface::Socket) => s.why_socket,
    }
}

/// The verdict of "test my page": (passed, sentence) per finding, then an
/// all-good line when nothing is missing.
pub fn check_lines(s: &InstallStrings, check: &PageCheck) -> Vec<(bool, String)> {
    let mut lines = Vec::new();
    if !(200..300).contains(&check.status) {
        lines.push((false, fill(s.check_status, &[&check.status.to_string()])));
    }
    lines.push(match (check.names_tenant, check.has_loader) {
        (true, _) => (true, s.check_loader_ok.to_owned()),
        (false, true) => (false, fill(s.check_loader_other, &[&check.tenants_found.join(", ")])),
        (false, false) => (false, s.check_loader_missing.to_owned()),
    });
    lines.push(if check.origin_allowed {
        (true, fill(s.check_origin_ok, &[&check.origin]))
    } else {
        (false, fill(s.check_origin_missing, &[&check.origin]))
    });
    if lines.iter().all(|(ok, _)| *ok) {
        lines.push((true, s.check_all_good.to_owned()));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(names_tenant: bool, has_loader: bool, origin_allowed: bool, status: u16) -> PageCheck {
        PageCheck {
            origin: "https://shop.example".into(),
            origin_allowed,
            status,
            has_loader,
            names_tenant,
            tenants_found: if has_loader && !names_tenant { vec!["other".into()] } else { vec![] },
        }
    }

    #[test]
    fn a_page_with_everything_in_place_is_all_good() {
        let lines = check_lines(&EN, &check(true, true, true, 200));
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|(ok, _)| *ok));
        assert_eq!(lines[2].1, EN.check_all_good);
    }

    #[test]
    fn each_missing_piece_is_named() {
        let lines = check_lines(&EN, &check(false, true, false, 404));
        assert_eq!(lines.iter().filter(|(ok, _)| !ok).count(), 3);
        assert!(lines[0].1.contains("404"));
        assert!(lines[1].1.contains("(other)"));
        assert!(lines[2].1.starts_with("https://shop.example is not allowed"));
        let lines = check_lines(&TH, &check(false, false, true, 200));
        assert_eq!(lines[0], (false, TH.check_loader_missing.to_owned()));
    }

    #[test]
    fn origin_errors_say_what_to_remove() {
        let path = origin_error_text(&EN, &OriginError::Path("/cart".into()));
        assert!(path.starts_with("Remove /cart"), "{path}");
        assert!(origin_error_text(&TH, &OriginError::Path("/cart".into())).contains("/cart"));
        assert_eq!(refusal_text(&TH, EmbedSurface::Socket, RefusalReason::OriginMissing), TH.why_missing);
    }
}
