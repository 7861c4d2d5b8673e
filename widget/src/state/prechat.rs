//! The pre-chat form: which answers are missing or malformed, and how answers
//! become the conversation's visitor details (`name`, `email`, `phone` and
//! `department` fill their own fields; the rest go to `fields` by key).

use natter_protocol::{FieldKind, PrechatForm, VisitorInfo};

/// Whether the config asks for a form at all.
pub fn wanted(form: &PrechatForm) -> bool {
    form.enabled && !form.fields.is_empty()
}

/// A plausible email address (the relay has the final say).
pub fn email_ok(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((user, host)) => !user.is_empty() && host.contains('.') && !host.starts_with('.') && !s.contains(' '),
        None => false,
    }
}

fn answer<'a>(answers: &'a [(String, String)], key: &str) -> &'a str {
    answers.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).unwrap_or("")
}

/// Keys of fields that are required and empty, or not valid for their kind.
pub fn invalid(form: &PrechatForm, answers: &[(String, String)]) -> Vec<String> {
    form.fields
        .iter()
        .filter(|f| {
            let v = answer(answers, &f.key);
            (f.required && v.is_empty())
                || (f.kind == FieldKind::Email && !v.is_empty() && !email_ok(v))
                || (matches!(f.kind, FieldKind::Select | FieldKind::Department)
                    && !v.is_empty()
                    && !f.options.iter().any(|o| o == v))
        })
        .map(|f| f.key.clone())
        .collect()
}

/// The visitor details from the answers, on top of `page` (page URL, referrer).
pub fn info(form: &PrechatForm, answers: &[(String, String)], page: &VisitorInfo) -> VisitorInfo {
    let mut info = page.clone();
    for f in &form.fields {
        let v = answer(answers, &f.key);
        if v.is_empty() {
            continue;
        }
        let v = v.to_owned();
        match f.kind {
            FieldKind::Name => info.name = Some(v),
            FieldKind::Email => info.email = Some(v),
            FieldKind::Phone => info.phone = Some(v),
            FieldKind::Department => info.department = Some(v),
            FieldKind::Text | FieldKind::Select => {
                info.fields.insert(f.key.clone(), v);
            }
        }
    }
    info
}

#[cfg(test)]
mod tests {
    use natter_protocol::PrechatField;

    use super::*;

    fn field(key: &str, kind: FieldKind, required: bool, options: &[&str]) -> PrechatField {
        PrechatField {
            key: key.into(),
            label: key.into(),
            kind,
            required,
            options: options.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn form() -> PrechatForm {
        PrechatForm {
            enabled: true,
            fields: vec![
                field("name", FieldKind::Name, true, &[]),
                field("email", FieldKind::Email, false, &[]),
                field("dept", FieldKind::Department, false, &["sales", "billing"]),
                field("order", FieldKind::Text, false, &[]),
            ],
        }
    }

    fn answers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn required_and_malformed_answers_are_reported() {
        assert_eq!(invalid(&form(), &answers(&[])), vec!["name"]);
        assert_eq!(invalid(&form(), &answers(&[("name", "  ")])), vec!["name"]);
        assert_eq!(invalid(&form(), &answers(&[("name", "A"), ("email", "nope")])), vec!["email"]);
        assert_eq!(invalid(&form(), &answers(&[("name", "A"), ("dept", "hacking")])), vec!["dept"]);
        assert!(invalid(&form(), &answers(&[("name", "A"), ("email", "a@b.co"), ("dept", "sales")])).is_empty());
    }

    #[test]
    fn answers_fill_the_visitor_details() {
        let page = VisitorInfo { page_url: Some("https://shop/x".into()), ..VisitorInfo::default() };
        let info = info(&form(), &answers(&[("name", " Nok "), ("dept", "billing"), ("order", "#42")]), &page);
        assert_eq!(info.name.as_deref(), Some("Nok"));
        assert_eq!(info.department.as_deref(), Some("billing"));
        assert_eq!(info.fields.get("order").map(String::as_str), Some("#42"));
        assert_eq!(info.email, None);
        assert_eq!(info.page_url.as_deref(), Some("https://shop/x"));
    }

    #[test]
    fn forms_without_fields_are_not_shown() {
        assert!(wanted(&form()));
        assert!(!wanted(&PrechatForm { enabled: true, fields: vec![] }));
        assert!(!wanted(&PrechatForm { enabled: false, fields: form().fields }));
    }

    #[test]
    fn emails() {
        assert!(email_ok("a@b.co"));
        assert!(!email_ok("a@b"));
        assert!(!email_ok("@b.co"));
        assert!(!email_ok("a b@c.de"));
    }
}
