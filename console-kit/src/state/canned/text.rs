//! The pure text work behind the `/` picker: the fuzzy matcher and the
//! picker's order, finding the `/query` being typed at the caret, converting
//! the browser's UTF-16 caret offsets, inserting at the caret, and previewing
//! a canned text with the conversation's values (which variables fell back).

use natter_protocol::{CannedPart, CannedResponse, canned_parts};

/// How well a query matches a string; later variants match better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// The query's characters in order, not together.
    Scattered,
    /// Together, inside a word.
    Inside,
    /// Together, at the start of a word.
    WordStart,
    /// At the very start.
    Prefix,
    Exact,
}

/// Whether the character before a position starts a new word there: after
/// whitespace or ASCII punctuation (`-` and `_` in shortcuts). Not
/// `is_alphanumeric`, whose Unicode tables would cost the console kilobytes.
fn starts_word(before: Option<char>) -> bool {
    before.is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation())
}

/// Matches `query` against `candidate`, ignoring case. `scatter_anywhere`:
/// whether scattered characters may start anywhere (a shortcut, short and
/// dense) or each run of them must start a word (a long text, where scattered
/// letters would match almost anything).
pub fn fuzzy_match(query: &str, candidate: &str, scatter_anywhere: bool) -> Option<MatchKind> {
    let q = query.trim().to_lowercase();
    let c = candidate.to_lowercase();
    if q.is_empty() {
        return Some(MatchKind::Scattered);
    }
    if c == q {
        return Some(MatchKind::Exact);
    }
    if c.starts_with(&q) {
        return Some(MatchKind::Prefix);
    }
    let mut inside = false;
    for (at, _) in c.match_indices(&q) {
        if starts_word(c[..at].chars().next_back()) {
            return Some(MatchKind::WordStart);
        }
        inside = true;
    }
    if inside {
        return Some(MatchKind::Inside);
    }
    scattered(&q, &c, scatter_anywhere).then_some(MatchKind::Scattered)
}

/// Whether `q`'s characters appear in `c` in order (greedily; see [`fuzzy_match`]).
fn scattered(q: &str, c: &str, anywhere: bool) -> bool {
    let mut want = q.chars().filter(|ch| !ch.is_whitespace()).peekable();
    let mut before = None;
    let mut in_run = false;
    for ch in c.chars() {
        let Some(&next) = want.peek() else { break };
        if ch == next && (anywhere || in_run || starts_word(before)) {
            want.next();
            in_run = true;
        } else {
            in_run = false;
        }
        before = Some(ch);
    }
    want.peek().is_none()
}

/// How a response matches: on its shortcut (better than on its text), and how well.
fn rank(r: &CannedResponse, query: &str) -> Option<(bool, MatchKind)> {
    if query.trim().is_empty() {
        return Some((true, MatchKind::Exact));
    }
    fuzzy_match(query, &r.shortcut, true)
        .map(|k| (true, k))
        .or_else(|| fuzzy_match(query, &r.text, false).map(|k| (false, k)))
}

/// The positions in `list` of the responses matching `query`, best match
/// first, then most used, then by shortcut; at most `max`.
pub fn search(list: &[CannedResponse], query: &str, max: usize) -> Vec<usize> {
    let mut hits: Vec<(usize, (bool, MatchKind))> =
        list.iter().enumerate().filter_map(|(i, r)| rank(r, query).map(|k| (i, k))).collect();
    hits.sort_by(|(a, ka), (b, kb)| {
        kb.cmp(ka).then(list[*b].uses.cmp(&list[*a].uses)).then(list[*a].shortcut.cmp(&list[*b].shortcut))
    });
    hits.into_iter().take(max).map(|(i, _)| i).collect()
}

/// The `/query` being typed at `caret` (a byte offset): where its `/` is, and
/// the query. The `/` must start the text or follow whitespace (so `a/b` and
/// links are left alone), and the query holds no whitespace.
pub fn slash_query(text: &str, caret: usize) -> Option<(usize, &str)> {
    let before = text.get(..caret)?;
    let slash = before.rfind('/')?;
    let query = &before[slash + 1..];
    if query.chars().any(char::is_whitespace) || query.chars().count() > 40 {
        return None;
    }
    starts_token(before[..slash].chars().next_back()).then_some((slash, query))
}

fn starts_token(before: Option<char>) -> bool {
    before.is_none_or(char::is_whitespace)
}

/// The byte offset of a UTF-16 offset (what `selectionStart` counts), clamped
/// to the text and never inside a character.
pub fn utf16_to_byte(text: &str, at: u32) -> usize {
    let mut units = 0u32;
    for (byte, ch) in text.char_indices() {
        if units >= at {
            return byte;
        }
        units += u32::try_from(ch.len_utf16()).unwrap_or(2);
    }
    text.len()
}

/// The UTF-16 offset of a byte offset.
pub fn byte_to_utf16(text: &str, at: usize) -> u32 {
    text.char_indices().take_while(|(byte, _)| *byte < at).map(|(_, c)| u32::try_from(c.len_utf16()).unwrap_or(2)).sum()
}

/// Replaces `text[start..end]` with `with`: the new text and the caret (a byte
/// offset) just after what was inserted.
pub fn insert(text: &str, start: usize, end: usize, with: &str) -> Option<(String, usize)> {
    let (head, tail) = (text.get(..start)?, text.get(end..)?);
    Some((format!("{head}{with}{tail}"), start + with.len()))
}

/// What a canned text's variables are worth in one conversation (`None`:
/// unknown).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Values {
    pub visitor_name: Option<String>,
    pub visitor_email: Option<String>,
    pub agent_name: Option<String>,
    pub shop_name: Option<String>,
    pub conversation_id: Option<String>,
}

impl Values {
    /// A variable's value, when known and not blank.
    pub fn get(&self, name: &str) -> Option<String> {
        let v = match name {
            "visitor.name" => &self.visitor_name,
            "visitor.email" => &self.visitor_email,
            "agent.name" => &self.agent_name,
            "shop.name" => &self.shop_name,
            "conversation.id" => &self.conversation_id,
            _ => &None,
        };
        v.clone().filter(|v| !v.trim().is_empty())
    }
}

/// A piece of a previewed canned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// A variable with its value.
    Value {
        name: String,
        value: String,
    },
    /// A variable without a value: its fallback stands in.
    Fallback {
        name: String,
        fallback: String,
    },
    /// A variable without a value or fallback: it becomes nothing.
    Missing {
        name: String,
    },
}

impl Piece {
    /// What the piece adds to the message.
    pub fn text(&self) -> &str {
        match self {
            Piece::Text(t) | Piece::Value { value: t, .. } | Piece::Fallback { fallback: t, .. } => t,
            Piece::Missing { .. } => "",
        }
    }
}

/// A canned text as it would be sent, piece by piece (the same text as
/// [`natter_protocol::render_canned`] makes; the pieces say which variables fell back).
pub fn preview(text: &str, values: &Values) -> Vec<Piece> {
    canned_parts(text)
        .into_iter()
        .map(|part| match part {
            CannedPart::Text(t) => Piece::Text(t.to_owned()),
            CannedPart::Variable { name, fallback } => match (values.get(name), fallback) {
                (Some(value), _) => Piece::Value { name: name.to_owned(), value },
                (None, Some(f)) => Piece::Fallback { name: name.to_owned(), fallback: f.to_owned() },
                (None, None) => Piece::Missing { name: name.to_owned() },
            },
        })
        .collect()
}

/// The message text of previewed pieces.
pub fn rendered(pieces: &[Piece]) -> String {
    pieces.iter().map(Piece::text).collect()
}

/// The row an import refusal names (`row 3`, `row 3: shortcut`), and the
/// relay's words without that prefix.
pub fn import_row(field: Option<&str>, message: &str) -> (Option<u32>, String) {
    let row = field
        .and_then(|f| f.strip_prefix("row "))
        .map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next().unwrap_or(""))
        .and_then(|n| n.parse().ok());
    let words = match row {
        Some(n) => message.strip_prefix(&format!("row {n}: ")).unwrap_or(message),
        None => message,
    };
    (row, words.to_owned())
}
