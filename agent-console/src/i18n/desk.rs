//! The words of internal notes, mentions, tags, assignment history and the team
//! screen, in English and Thai (one table per language, so a missing
//! translation is a compile error; reached as `strings().desk`), and the pure
//! wording of team refusals and assignment lines.

use natter_protocol::{AssignmentRecord, Role};

use super::fill;
use crate::state::team::Problem;

/// Every string of the desk and the team screen.
#[derive(Debug)]
pub struct DeskStrings {
    // composer and notes
    pub mode_group: &'static str,
    pub mode_reply: &'static str,
    pub mode_note: &'static str,
    pub note_placeholder: &'static str,
    pub add_note: &'static str,
    pub note_banner: &'static str,
    pub note_sending: &'static str,
    pub note_failed: &'static str,
    pub retry: &'static str,
    pub suggestions: &'static str,
    pub sc_note_mode: &'static str,
    // mentions
    /// `{0}`: the conversation.
    pub a_mention: &'static str,
    pub mentioned_you: &'static str,
    // tags
    pub tags: &'static str,
    pub edit_tags: &'static str,
    /// `{0}`: the tag.
    pub tag_remove_of: &'static str,
    pub no_tags: &'static str,
    pub filter_tag: &'static str,
    pub all_tags: &'static str,
    pub tag_name: &'static str,
    pub tag_color: &'static str,
    pub tag_add: &'static str,
    pub tag_save: &'static str,
    pub tag_name_of: &'static str,
    pub tag_color_of: &'static str,
    pub tag_save_of: &'static str,
    pub tag_delete_of: &'static str,
    pub tag_delete_q: &'static str,
    pub tags_hint: &'static str,
    pub delete: &'static str,
    pub cancel: &'static str,
    // assignment history
    pub history: &'static str,
    pub h_loading: &'static str,
    pub h_failed: &'static str,
    pub h_none: &'static str,
    /// `{0}`: who got it, `{1}`: when.
    pub h_claimed: &'static str,
    pub h_auto: &'static str,
    /// `{0}`: who got it, `{1}`: who gave it, `{2}`: when.
    pub h_transferred: &'static str,
    /// `{0}`: the skill, `{1}`: who, `{2}`: when.
    pub h_to_skill: &'static str,
    /// `{0}`: when.
    pub h_requeued: &'static str,
    /// `{0}`: who, `{1}`: when.
    pub h_closed: &'static str,
    pub someone: &'static str,
    // team
    pub team: &'static str,
    pub team_hint: &'static str,
    pub t_agent: &'static str,
    pub t_role: &'static str,
    pub t_skills: &'static str,
    pub t_max: &'static str,
    pub t_last: &'static str,
    pub t_state: &'static str,
    pub t_actions: &'static str,
    pub role_owner: &'static str,
    pub role_admin: &'static str,
    pub role_agent: &'static str,
    pub role_of: &'static str,
    pub never: &'static str,
    pub active: &'static str,
    /// `{0}`: when.
    pub deactivated_at: &'static str,
    pub default_max: &'static str,
    pub you: &'static str,
    pub add_agent: &'static str,
    pub email: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub initial_password: &'static str,
    pub generate: &'static str,
    pub create: &'static str,
    pub reset_password: &'static str,
    pub reset_of: &'static str,
    pub new_password: &'static str,
    pub set_password: &'static str,
    pub reset_hint: &'static str,
    pub deactivate: &'static str,
    pub reactivate: &'static str,
    pub deactivate_of: &'static str,
    pub reactivate_of: &'static str,
    pub deactivate_q: &'static str,
    pub reactivate_q: &'static str,
    pub confirm_title: &'static str,
    pub shown_title: &'static str,
    pub shown_hint: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub done: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub working: &'static str,
    // refusals
    pub e_email: &'static str,
    pub e_email_in_use: &'static str,
    pub e_name: &'static str,
    pub e_password: &'static str,
    pub e_owners_only: &'static str,
    pub e_last_owner: &'static str,
    pub e_yourself: &'static str,
    pub e_tag_name: &'static str,
    pub e_tag_in_use: &'static str,
    pub e_color: &'static str,
}

pub static EN: DeskStrings = DeskStrings {
    mode_group: "Write a",
    mode_reply: "Reply",
    mode_note: "Internal note",
    note_placeholder: "Note for your team, never shown to the visitor. Type @ to mention a colleague.",
    add_note: "Add note",
    note_banner: "Internal note — visitors never see this",
    note_sending: "Saving…",
    note_failed: "Not saved",
    retry: "Retry",
    suggestions: "Colleagues to mention",
    sc_note_mode: "Switch the composer between reply and internal note",
    a_mention: "You were mentioned in {0}",
    mentioned_you: "mentioned you",
    tags: "Tags",
    edit_tags: "Edit tags",
    tag_remove_of: "Remove tag {0}",
    no_tags: "No tags yet: owners and admins create them in Settings.",
    filter_tag: "Filter by tag",
    all_tags: "All tags",
    tag_name: "Name",
    tag_color: "Colour",
    tag_add: "Add tag",
    tag_save: "Save",
    tag_name_of: "Name of tag {0}",
    tag_color_of: "Colour of tag {0}",
    tag_save_of: "Save tag {0}",
    tag_delete_of: "Delete tag {0}",
    tag_delete_q: "Delete tag {0}? It comes off every conversation.",
    tags_hint: "Agents put these on conversations; the inbox filters by them.",
    delete: "Delete",
    cancel: "Cancel",
    history: "Assignment history",
    h_loading: "Loading…",
    h_failed: "The history could not be loaded.",
    h_none: "Not assigned yet.",
    h_claimed: "Claimed by {0}, {1}",
    h_auto: "Assigned to {0} automatically, {1}",
    h_transferred: "Transferred to {0} by {1}, {2}",
    h_to_skill: "Sent to the {0} queue by {1}, {2}",
    h_requeued: "Back to the queue, {0}",
    h_closed: "Closed by {0}, {1}",
    someone: "the relay",
    team: "Team",
    team_hint: "Accounts of this workspace. Changes take effect at once.",
    t_agent: "Agent",
    t_role: "Role",
    t_skills: "Skills",
    t_max: "Max chats",
    t_last: "Last sign-in",
    t_state: "State",
    t_actions: "Actions",
    role_owner: "Owner",
    role_admin: "Admin",
    role_agent: "Agent",
    role_of: "Role of {0}",
    never: "Never",
    active: "Active",
    deactivated_at: "Deactivated {0}",
    default_max: "Default",
    you: "(you)",
    add_agent: "Add agent",
    email: "Email",
    name: "Name",
    role: "Role",
    initial_password: "Initial password",
    generate: "Generate",
    create: "Create account",
    reset_password: "Reset password",
    reset_of: "Reset the password of {0}",
    new_password: "New password",
    set_password: "Set password",
    reset_hint: "Their open sessions end at once.",
    deactivate: "Deactivate",
    reactivate: "Reactivate",
    deactivate_of: "Deactivate {0}",
    reactivate_of: "Reactivate {0}",
    deactivate_q: "Deactivate {0}? They are signed out at once and their conversations go back to the queue.",
    reactivate_q: "Reactivate {0}? They can sign in again.",
    confirm_title: "Please confirm",
    shown_title: "Password for {0}",
    shown_hint: "Shown only once: copy it now and give it to them safely.",
    copy: "Copy",
    copied: "Copied",
    done: "Done",
    loading: "Loading the team…",
    load_failed: "The team could not be loaded: {0}",
    working: "Working…",
    e_email: "Enter an email address such as cat@shop.example.",
    e_email_in_use: "An agent with this email already exists.",
    e_name: "Enter a name of 1 to 80 characters.",
    e_password: "Use at least 10 characters.",
    e_owners_only: "Only an owner may change an owner or make one.",
    e_last_owner: "The workspace must keep at least one active owner.",
    e_yourself: "You cannot deactivate your own account.",
    e_tag_name: "Enter a name of 1 to 40 characters.",
    e_tag_in_use: "A tag with this name already exists.",
    e_color: "Choose a colour like #1d4ed8.",
};

pub static TH: DeskStrings = DeskStrings {
    mode_group: "เขียนเป็น",
    mode_reply: "ตอบกลับ",
    mode_note: "โน้ตภายใน",
    note_placeholder: "โน้ตสำหรับทีม ผู้เยี่ยมชมจะไม่เห็น พิมพ์ @ เพื่อกล่าวถึงเพื่อนร่วมทีม",
    add_note: "เพิ่มโน้ต",
    note_banner: "โน้ตภายใน — ผู้เยี่ยมชมไม่เห็นข้อความนี้",
    note_sending: "กำลังบันทึก…",
    note_failed: "ยังไม่ได้บันทึก",
    retry: "ลองอีกครั้ง",
    suggestions: "เพื่อนร่วมทีมที่จะกล่าวถึง",
    sc_note_mode: "สลับช่องพิมพ์ระหว่างตอบกลับและโน้ตภายใน",
    a_mention: "มีคนกล่าวถึงคุณใน {0}",
    mentioned_you: "กล่าวถึงคุณ",
    tags: "แท็ก",
    edit_tags: "แก้ไขแท็ก",
    tag_remove_of: "นำแท็ก {0} ออก",
    no_tags: "ยังไม่มีแท็ก เจ้าของและผู้ดูแลสร้างได้ในหน้าตั้งค่า",
    filter_tag: "กรองตามแท็ก",
    all_tags: "ทุกแท็ก",
    tag_name: "ชื่อ",
    tag_color: "สี",
    tag_add: "เพิ่มแท็ก",
    tag_save: "บันทึก",
    tag_name_of: "ชื่อของแท็ก {0}",
    tag_color_of: "สีของแท็ก {0}",
    tag_save_of: "บันทึกแท็ก {0}",
    tag_delete_of: "ลบแท็ก {0}",
    tag_delete_q: "ลบแท็ก {0} หรือไม่ แท็กนี้จะถูกนำออกจากทุกการสนทนา",
    tags_hint: "เจ้าหน้าที่ติดแท็กให้การสนทนา และกรองกล่องข้อความตามแท็กได้",
    delete: "ลบ",
    cancel: "ยกเลิก",
    history: "ประวัติการมอบหมาย",
    h_loading: "กำลังโหลด…",
    h_failed: "โหลดประวัติไม่ได้",
    h_none: "ยังไม่มีการมอบหมาย",
    h_claimed: "{0} รับเรื่อง เมื่อ {1}",
    h_auto: "มอบหมายให้ {0} อัตโนมัติ เมื่อ {1}",
    h_transferred: "{1} โอนให้ {0} เมื่อ {2}",
    h_to_skill: "{1} ส่งเข้าคิว {0} เมื่อ {2}",
    h_requeued: "กลับเข้าคิว เมื่อ {0}",
    h_closed: "{0} ปิดการสนทนา เมื่อ {1}",
    someone: "ระบบ",
    team: "ทีม",
    team_hint: "บัญชีของพื้นที่ทำงานนี้ การเปลี่ยนแปลงมีผลทันที",
    t_agent: "เจ้าหน้าที่",
    t_role: "บทบาท",
    t_skills: "ทักษะ",
    t_max: "แชตสูงสุด",
    t_last: "เข้าสู่ระบบล่าสุด",
    t_state: "สถานะ",
    t_actions: "การดำเนินการ",
    role_owner: "เจ้าของ",
    role_admin: "ผู้ดูแล",
    role_agent: "เจ้าหน้าที่",
    role_of: "บทบาทของ {0}",
    never: "ไม่เคย",
    active: "ใช้งานอยู่",
    deactivated_at: "ปิดใช้งานเมื่อ {0}",
    default_max: "ค่าเริ่มต้น",
    you: "(คุณ)",
    add_agent: "เพิ่มเจ้าหน้าที่",
    email: "อีเมล",
    name: "ชื่อ",
    role: "บทบาท",
    initial_password: "รหัสผ่านเริ่มต้น",
    generate: "สุ่มรหัสผ่าน",
    create: "สร้างบัญชี",
    reset_password: "รีเซ็ตรหัสผ่าน",
    reset_of: "รีเซ็ตรหัสผ่านของ {0}",
    new_password: "รหัสผ่านใหม่",
    set_password: "ตั้งรหัสผ่าน",
    reset_hint: "ทุกเซสชันที่เปิดอยู่ของเขาจะสิ้นสุดทันที",
    deactivate: "ปิดใช้งาน",
    reactivate: "เปิดใช้งานอีกครั้ง",
    deactivate_of: "ปิดใช้งาน {0}",
    reactivate_of: "เปิดใช้งาน {0} อีกครั้ง",
    deactivate_q: "ปิดใช้งาน {0} หรือไม่ เขาจะถูกออกจากระบบทันที และการสนทนาของเขาจะกลับเข้าคิว",
    reactivate_q: "เปิดใช้งาน {0} อีกครั้งหรือไม่ เขาจะเข้าสู่ระบบได้อีก",
    confirm_title: "โปรดยืนยัน",
    shown_title: "รหัสผ่านของ {0}",
    shown_hint: "แสดงเพียงครั้งเดียว คัดลอกตอนนี้แล้วส่งให้เขาอย่างปลอดภัย",
    copy: "คัดลอก",
    copied: "คัดลอกแล้ว",
    done: "เสร็จสิ้น",
    loading: "กำลังโหลดทีม…",
    load_failed: "โหลดทีมไม่ได้: {0}",
    working: "กำลังดำเนินการ…",
    e_email: "กรอกอีเมล เช่น cat@shop.example",
    e_email_in_use: "มีเจ้าหน้าที่ที่ใช้อีเมลนี้อยู่แล้ว",
    e_name: "กรอกชื่อยาว 1 ถึง 80 ตัวอักษร",
    e_password: "ใช้อย่างน้อย 10 ตัวอักษร",
    e_owners_only: "เฉพาะเจ้าของเท่านั้นที่เปลี่ยนแปลงหรือแต่งตั้งเจ้าของได้",
    e_last_owner: "พื้นที่ทำงานต้องมีเจ้าของที่ใช้งานอยู่อย่างน้อยหนึ่งคน",
    e_yourself: "คุณปิดใช้งานบัญชีของตัวเองไม่ได้",
    e_tag_name: "กรอกชื่อยาว 1 ถึง 40 ตัวอักษร",
    e_tag_in_use: "มีแท็กชื่อนี้อยู่แล้ว",
    e_color: "เลือกสี เช่น #1d4ed8",
};

/// A team or tag refusal in words.
pub fn problem_text(s: &DeskStrings, p: &Problem) -> String {
    match p {
        Problem::EmailInvalid => s.e_email,
        Problem::EmailInUse => s.e_email_in_use,
        Problem::NameInvalid => s.e_name,
        Problem::PasswordShort => s.e_password,
        Problem::OwnersOnly => s.e_owners_only,
        Problem::LastOwner => s.e_last_owner,
        Problem::NotYourself => s.e_yourself,
        Problem::TagNameInvalid => s.e_tag_name,
        Problem::TagNameInUse => s.e_tag_in_use,
        Problem::ColorInvalid => s.e_color,
        Problem::Other(m) => return m.clone(),
    }
    .to_owned()
}

/// A role's name.
pub fn role_name(s: &DeskStrings, r: Role) -> &'static str {
    match r {
        Role::Owner => s.role_owner,
        Role::Admin => s.role_admin,
        _ => s.role_agent,
    }
}

/// One line of the assignment history; `when` is the record's time, worded.
pub fn assignment_line(s: &DeskStrings, r: &AssignmentRecord, when: &str) -> String {
    let name = |a: &Option<natter_protocol::AgentRef>| a.as_ref().map_or(s.someone, |a| a.name.as_str()).to_owned();
    let (got, by) = (name(&r.agent), name(&r.by));
    let line = match r.kind.as_str() {
        "claimed" => fill(s.h_claimed, &[&got, when]),
        "auto_assigned" => fill(s.h_auto, &[&got, when]),
        "transferred" => fill(s.h_transferred, &[&got, &by, when]),
        "to_skill" => fill(s.h_to_skill, &[r.skill.as_deref().unwrap_or(""), &by, when]),
        "closed" => fill(s.h_closed, &[&by, when]),
        // "requeued", and kinds a newer relay may add.
        _ => fill(s.h_requeued, &[when]),
    };
    match r.note.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(note) => format!("{line} ({note})"),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_lines_name_who_and_keep_the_note() {
        let r: AssignmentRecord = serde_json::from_value(serde_json::json!({
            "at": 1, "kind": "transferred", "agent": {"id": 2, "name": "Bob"},
            "by": {"id": 1, "name": "Ann"}, "note": "billing"
        }))
        .expect("a record");
        assert_eq!(assignment_line(&EN, &r, "10:02"), "Transferred to Bob by Ann, 10:02 (billing)");
        assert_eq!(assignment_line(&TH, &r, "10:02"), "Ann โอนให้ Bob เมื่อ 10:02 (billing)");
        let c: AssignmentRecord =
            serde_json::from_value(serde_json::json!({"at": 1, "kind": "claimed", "agent": {"id": 1, "name": "Ann"}}))
                .expect("a record");
        assert_eq!(assignment_line(&EN, &c, "10:02"), "Claimed by Ann, 10:02");
        assert_eq!(problem_text(&TH, &Problem::LastOwner), TH.e_last_owner);
        assert_eq!(problem_text(&EN, &Problem::Other("boom".into())), "boom");
    }
}
