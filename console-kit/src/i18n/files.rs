//! The words of files in chat, in English and Thai (one table per language, so a
//! missing translation is a compile error; reached as `strings().files`), and
//! the pure wording of upload refusals, blocked files and file types.

use natter_protocol::{ErrorCode, FileRefusal, FileType};

use super::fill;
use crate::format;
use crate::state::files::UploadError;

/// Every string about files.
#[derive(Debug)]
pub struct FileStrings {
    // composer
    pub attach: &'static str,
    pub drop_here: &'static str,
    pub in_composer: &'static str,
    /// `{0}`: percent.
    pub uploading: &'static str,
    pub ready: &'static str,
    /// `{0}`: the file's name.
    pub progress_of: &'static str,
    pub remove_of: &'static str,
    pub cancel_of: &'static str,
    pub retry_of: &'static str,
    // refusals; `{0}`: the file's name
    /// `{1}`: the limit ("10 MB").
    pub e_too_large: &'static str,
    pub e_too_large_plain: &'static str,
    pub e_type: &'static str,
    pub e_mismatch: &'static str,
    pub e_empty: &'static str,
    pub e_unreadable: &'static str,
    /// `{1}`: what the scanner found.
    pub e_infected: &'static str,
    pub e_infected_plain: &'static str,
    pub e_name: &'static str,
    /// `{1}`: seconds.
    pub e_rate: &'static str,
    pub e_rate_plain: &'static str,
    pub e_scanner: &'static str,
    pub e_quota: &'static str,
    pub e_forbidden: &'static str,
    pub e_network: &'static str,
    /// `{1}`: the relay's words.
    pub e_other: &'static str,
    // notices
    pub n_too_many: &'static str,
    pub n_uploading: &'static str,
    pub n_gone: &'static str,
    pub n_unreachable: &'static str,
    // in the conversation
    pub not_scanned: &'static str,
    pub open_image: &'static str,
    pub download_of: &'static str,
    pub download: &'static str,
    /// `{0}`: name, `{1}`: what the scanner found.
    pub blocked_malware: &'static str,
    pub blocked_malware_plain: &'static str,
    pub blocked: &'static str,
    pub image_alt: &'static str,
    pub loading_image: &'static str,
    // details pane
    pub files_title: &'static str,
    pub files_none: &'static str,
    // type names
    pub t_jpeg: &'static str,
    pub t_png: &'static str,
    pub t_webp: &'static str,
    pub t_gif: &'static str,
    pub t_pdf: &'static str,
    pub t_text: &'static str,
    pub t_unknown: &'static str,
    // settings
    pub sec_files: &'static str,
    pub f_visitor_uploads: &'static str,
    pub f_visitor_hint: &'static str,
    pub f_max_mb: &'static str,
    pub f_types: &'static str,
    pub f_types_hint: &'static str,
    pub f_accept_unscanned: &'static str,
    pub f_unscanned_warning: &'static str,
    pub fe_max_mb: &'static str,
    pub fe_types: &'static str,
}

pub static EN: FileStrings = FileStrings {
    attach: "Attach files",
    drop_here: "Drop files here to attach them",
    in_composer: "Files to send",
    uploading: "Uploading… {0}%",
    ready: "Ready to send",
    progress_of: "Upload of {0}",
    remove_of: "Remove {0}",
    cancel_of: "Cancel the upload of {0}",
    retry_of: "Upload {0} again",
    e_too_large: "{0} is too large: files can be at most {1}.",
    e_too_large_plain: "{0} is too large to send.",
    e_type: "{0} can't be sent: this type of file is not accepted.",
    e_mismatch: "{0} can't be sent: its name claims one type of file but its content is another.",
    e_empty: "{0} is empty.",
    e_unreadable: "{0} can't be opened as an image: it is damaged or too large.",
    e_infected: "{0} was blocked: it contains malware ({1}).",
    e_infected_plain: "{0} was blocked: it contains malware.",
    e_name: "The name {0} can't be used: rename the file and try again.",
    e_rate: "Too many files in a short time: try again in {1} seconds.",
    e_rate_plain: "Too many files in a short time: try again in a minute.",
    e_scanner: "{0} can't be checked for viruses right now: try again in a moment.",
    e_quota: "The workspace's file storage is full: {0} was not uploaded.",
    e_forbidden: "You are not allowed to send files here.",
    e_network: "The upload of {0} was interrupted: check the connection and try again.",
    e_other: "{0} could not be uploaded: {1}",
    n_too_many: "A message takes at most 10 files; the others were left out.",
    n_uploading: "Wait until the files have finished uploading, then send.",
    n_gone: "This file is no longer available.",
    n_unreachable: "The file could not be fetched: check the connection and try again.",
    not_scanned: "Not scanned for viruses",
    open_image: "Open image {0}",
    download_of: "Download {0}",
    download: "Download",
    blocked_malware: "Blocked: {0} — malware ({1})",
    blocked_malware_plain: "Blocked: {0} — malware",
    blocked: "Blocked: {0}",
    image_alt: "Image: {0}",
    loading_image: "Loading the image…",
    files_title: "Files",
    files_none: "No files in this conversation.",
    t_jpeg: "JPEG image",
    t_png: "PNG image",
    t_webp: "WebP image",
    t_gif: "GIF image",
    t_pdf: "PDF document",
    t_text: "Text file",
    t_unknown: "File",
    sec_files: "Files in chat",
    f_visitor_uploads: "Visitors can send files",
    f_visitor_hint: "Agents can always send files.",
    f_max_mb: "Largest file (MB)",
    f_types: "Accepted types",
    f_types_hint: "Told by each file's content, never by its name.",
    f_accept_unscanned: "Accept files when the virus scanner is unavailable",
    f_unscanned_warning: "Warning: such files are marked “not scanned” and may contain malware. Leave this off unless \
                          you must.",
    fe_max_mb: "Enter a whole number of MB from 1 to 100.",
    fe_types: "Choose at least one type.",
};

pub static TH: FileStrings = FileStrings {
    attach: "แนบไฟล์",
    drop_here: "วางไฟล์ที่นี่เพื่อแนบ",
    in_composer: "ไฟล์ที่จะส่ง",
    uploading: "กำลังอัปโหลด… {0}%",
    ready: "พร้อมส่ง",
    progress_of: "การอัปโหลด {0}",
    remove_of: "นำ {0} ออก",
    cancel_of: "ยกเลิกการอัปโหลด {0}",
    retry_of: "อัปโหลด {0} อีกครั้ง",
    e_too_large: "{0} มีขนาดใหญ่เกินไป: ไฟล์ต้องไม่เกิน {1}",
    e_too_large_plain: "{0} มีขนาดใหญ่เกินกว่าจะส่งได้",
    e_type: "ส่ง {0} ไม่ได้: ไม่รับไฟล์ประเภทนี้",
    e_mismatch: "ส่ง {0} ไม่ได้: ชื่อไฟล์ระบุประเภทหนึ่ง แต่เนื้อหาเป็นอีกประเภทหนึ่ง",
    e_empty: "{0} เป็นไฟล์ว่าง",
    e_unreadable: "เปิด {0} เป็นรูปภาพไม่ได้: ไฟล์เสียหายหรือใหญ่เกินไป",
    e_infected: "{0} ถูกบล็อก: พบมัลแวร์ ({1})",
    e_infected_plain: "{0} ถูกบล็อก: พบมัลแวร์",
    e_name: "ใช้ชื่อ {0} ไม่ได้: เปลี่ยนชื่อไฟล์แล้วลองอีกครั้ง",
    e_rate: "ส่งไฟล์ถี่เกินไป: ลองอีกครั้งใน {1} วินาที",
    e_rate_plain: "ส่งไฟล์ถี่เกินไป: ลองอีกครั้งในอีกหนึ่งนาที",
    e_scanner: "ตรวจหาไวรัสใน {0} ไม่ได้ในขณะนี้: ลองอีกครั้งในอีกสักครู่",
    e_quota: "พื้นที่เก็บไฟล์ของเวิร์กสเปซเต็มแล้ว: ไม่ได้อัปโหลด {0}",
    e_forbidden: "คุณไม่มีสิทธิ์ส่งไฟล์ที่นี่",
    e_network: "การอัปโหลด {0} ถูกขัดจังหวะ: ตรวจสอบการเชื่อมต่อแล้วลองอีกครั้ง",
    e_other: "อัปโหลด {0} ไม่ได้: {1}",
    n_too_many: "ข้อความหนึ่งแนบได้สูงสุด 10 ไฟล์ ไฟล์ที่เกินไม่ได้ถูกแนบ",
    n_uploading: "รอให้อัปโหลดไฟล์เสร็จก่อน แล้วจึงส่ง",
    n_gone: "ไฟล์นี้ไม่มีอยู่แล้ว",
    n_unreachable: "ดึงไฟล์ไม่ได้: ตรวจสอบการเชื่อมต่อแล้วลองอีกครั้ง",
    not_scanned: "ยังไม่ได้สแกนไวรัส",
    open_image: "เปิดรูป {0}",
    download_of: "ดาวน์โหลด {0}",
    download: "ดาวน์โหลด",
    blocked_malware: "บล็อกแล้ว: {0} — มัลแวร์ ({1})",
    blocked_malware_plain: "บล็อกแล้ว: {0} — มัลแวร์",
    blocked: "บล็อกแล้ว: {0}",
    image_alt: "รูปภาพ: {0}",
    loading_image: "กำลังโหลดรูปภาพ…",
    files_title: "ไฟล์",
    files_none: "ไม่มีไฟล์ในการสนทนานี้",
    t_jpeg: "รูปภาพ JPEG",
    t_png: "รูปภาพ PNG",
    t_webp: "รูปภาพ WebP",
    t_gif: "รูปภาพ GIF",
    t_pdf: "เอกสาร PDF",
    t_text: "ไฟล์ข้อความ",
    t_unknown: "ไฟล์",
    sec_files: "ไฟล์ในแชท",
    f_visitor_uploads: "ผู้เยี่ยมชมส่งไฟล์ได้",
    f_visitor_hint: "เจ้าหน้าที่ส่งไฟล์ได้เสมอ",
    f_max_mb: "ขนาดไฟล์สูงสุด (MB)",
    f_types: "ประเภทไฟล์ที่รับ",
    f_types_hint: "ตรวจจากเนื้อหาของแต่ละไฟล์ ไม่ใช่จากชื่อไฟล์",
    f_accept_unscanned: "รับไฟล์เมื่อระบบสแกนไวรัสใช้งานไม่ได้",
    f_unscanned_warning: "คำเตือน: ไฟล์เหล่านี้จะถูกระบุว่า “ยังไม่ได้สแกน” และอาจมีมัลแวร์ ควรปิดไว้เว้นแต่จำเป็น",
    fe_max_mb: "ใส่จำนวนเต็มตั้งแต่ 1 ถึง 100 MB",
    fe_types: "เลือกอย่างน้อยหนึ่งประเภท",
};

/// An upload refusal in words for the agent: what happened to which file and
/// what they can do.
pub fn upload_error_text(s: &FileStrings, name: &str, e: &UploadError) -> String {
    let Some(code) = e.code else { return fill(s.e_network, &[name]) };
    let with = |t: &str, detail: Option<String>| match detail {
        Some(d) => fill(t, &[name, &d]),
        None => fill(t, &[name]),
    };
    match code {
        ErrorCode::FileTooLarge => match size_limit(&e.message) {
            Some(limit) => with(s.e_too_large, Some(format::bytes(limit))),
            None => with(s.e_too_large_plain, None),
        },
        ErrorCode::FileTypeNotAllowed => with(s.e_type, None),
        ErrorCode::FileTypeMismatch => with(s.e_mismatch, None),
        ErrorCode::FileEmpty => with(s.e_empty, None),
        ErrorCode::FileUnreadable => with(s.e_unreadable, None),
        ErrorCode::FileInfected => match scanner_finding(&e.message) {
            Some(found) => with(s.e_infected, Some(found)),
            None => with(s.e_infected_plain, None),
        },
        ErrorCode::FileNameInvalid => with(s.e_name, None),
        ErrorCode::RateLimited => match e.retry_after_secs {
            Some(secs) => with(s.e_rate, Some(secs.to_string())),
            None => with(s.e_rate_plain, None),
        },
        ErrorCode::ScannerUnavailable => with(s.e_scanner, None),
        ErrorCode::QuotaExceeded => with(s.e_quota, None),
        ErrorCode::Forbidden => s.e_forbidden.to_owned(),
        _ => with(s.e_other, Some(e.message.clone())),
    }
}

/// The size limit in bytes from the relay's words ("over the limit of
/// 10000000 bytes", or "… 10 MB").
fn size_limit(text: &str) -> Option<u64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..].chars().take_while(char::is_ascii_digit).collect();
    let n: u64 = digits.parse().ok()?;
    let unit = text[start + digits.len()..].trim_start();
    Some(if unit.starts_with("MB") { n.saturating_mul(1_000_000) } else { n })
}

/// What the scanner found, from the relay's message ("the malware scanner
/// found Eicar-Test-Signature", "…: X" or "… (X)").
fn scanner_finding(message: &str) -> Option<String> {
    let m = message.trim().trim_end_matches('.');
    let found = match m.rsplit_once('(') {
        Some((_, rest)) if rest.ends_with(')') => rest.trim_end_matches(')'),
        _ => m.rsplit_once(": ").or_else(|| m.rsplit_once(" found ")).map(|(_, f)| f)?,
    };
    let found = found.trim();
    (!found.is_empty() && !found.contains(' ')).then(|| found.to_owned())
}

/// The line a `file_refused` event shows: "Blocked: invoice.pdf — malware (Eicar-Test-Signature)".
pub fn refused_line(s: &FileStrings, name: &str, reason: FileRefusal, signature: Option<&str>) -> String {
    match (reason, signature) {
        (FileRefusal::Infected, Some(sig)) => fill(s.blocked_malware, &[name, sig]),
        (FileRefusal::Infected, None) => fill(s.blocked_malware_plain, &[name]),
        _ => fill(s.blocked, &[name]),
    }
}

/// A file type's name for people.
pub fn type_name(s: &FileStrings, t: FileType) -> &'static str {
    match t {
        FileType::Jpeg => s.t_jpeg,
        FileType::Png => s.t_png,
        FileType::Webp => s.t_webp,
        FileType::Gif => s.t_gif,
        FileType::Pdf => s.t_pdf,
        FileType::Text => s.t_text,
    }
}

/// The type name of a served MIME type.
pub fn mime_name(s: &FileStrings, mime: &str) -> &'static str {
    FileType::from_mime(mime).map_or(s.t_unknown, |t| type_name(s, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(code: ErrorCode, message: &str, retry: Option<u64>) -> UploadError {
        UploadError { code: Some(code), message: message.into(), retry_after_secs: retry }
    }

    #[test]
    fn refusals_read_as_sentences_in_both_languages() {
        let big = refusal(ErrorCode::FileTooLarge, "the file is over the limit of 10000000 bytes", None);
        assert_eq!(upload_error_text(&EN, "a.pdf", &big), "a.pdf is too large: files can be at most 10 MB.");
        assert_eq!(upload_error_text(&TH, "a.pdf", &big), "a.pdf มีขนาดใหญ่เกินไป: ไฟล์ต้องไม่เกิน 10 MB");
        let big = refusal(ErrorCode::FileTooLarge, "over 5 MB", None);
        assert_eq!(upload_error_text(&EN, "a.pdf", &big), "a.pdf is too large: files can be at most 5.0 MB.");
        let bad = refusal(ErrorCode::FileInfected, "the malware scanner found Eicar-Test-Signature.UNOFFICIAL", None);
        assert!(upload_error_text(&EN, "x.pdf", &bad).ends_with("malware (Eicar-Test-Signature.UNOFFICIAL)."));
        let bad = refusal(ErrorCode::FileInfected, "malware found: Eicar-Test-Signature", None);
        assert_eq!(
            upload_error_text(&EN, "x.pdf", &bad),
            "x.pdf was blocked: it contains malware (Eicar-Test-Signature)."
        );
        let bad = refusal(ErrorCode::FileInfected, "the file was refused", None);
        assert_eq!(upload_error_text(&EN, "x.pdf", &bad), "x.pdf was blocked: it contains malware.");
        let slow = refusal(ErrorCode::RateLimited, "slow down", Some(42));
        assert!(upload_error_text(&TH, "x", &slow).contains("42 วินาที"));
        assert_eq!(
            upload_error_text(&EN, "r.png", &UploadError::network()),
            "The upload of r.png was interrupted: check the connection and try again."
        );
        let odd = refusal(ErrorCode::Internal, "disk on fire", None);
        assert_eq!(upload_error_text(&EN, "r.png", &odd), "r.png could not be uploaded: disk on fire");
    }

    #[test]
    fn blocked_files_name_what_the_scanner_found() {
        assert_eq!(
            refused_line(&EN, "invoice.pdf", FileRefusal::Infected, Some("Eicar-Test-Signature")),
            "Blocked: invoice.pdf — malware (Eicar-Test-Signature)"
        );
        assert_eq!(refused_line(&TH, "a.pdf", FileRefusal::Other, None), "บล็อกแล้ว: a.pdf");
        assert_eq!(mime_name(&EN, "application/pdf"), "PDF document");
        assert_eq!(mime_name(&EN, "application/x-thing"), "File");
    }
}
