//! Keyboard shortcuts: which key press means what. Alt-based so they never fight
//! with typing; matched on `KeyboardEvent.code` so layouts (Thai, macOS Option
//! characters) do not change them.

/// A console command reachable from the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    NextConversation,
    PreviousConversation,
    /// Alt+1 … Alt+9: the n-th open conversation (0-based).
    OpenConversation(usize),
    FocusComposer,
    FocusInbox,
    Claim,
    Close,
    Transfer,
    /// Switch the composer between reply and internal note.
    NoteMode,
    Help,
    Escape,
}

/// The shortcuts shown in the help overlay, with their keys.
pub const LIST: &[(&str, Shortcut)] = &[
    ("Alt+↓ / Alt+J", Shortcut::NextConversation),
    ("Alt+↑ / Alt+K", Shortcut::PreviousConversation),
    ("Alt+1 … Alt+9", Shortcut::OpenConversation(0)),
    ("Alt+R", Shortcut::FocusComposer),
    ("Alt+I", Shortcut::FocusInbox),
    ("Alt+C", Shortcut::Claim),
    ("Alt+T", Shortcut::Transfer),
    ("Alt+X", Shortcut::Close),
    ("Alt+N", Shortcut::NoteMode),
    ("? / Alt+/", Shortcut::Help),
    ("Esc", Shortcut::Escape),
];

/// Maps a key press. `typing` is whether focus is in a text field (then plain
/// keys such as `?` belong to the field).
pub fn from_key(code: &str, key: &str, alt: bool, ctrl: bool, meta: bool, typing: bool) -> Option<Shortcut> {
    if ctrl || meta {
        return None;
    }
    if code == "Escape" {
        return Some(Shortcut::Escape);
    }
    if !alt {
        return (key == "?" && !typing).then_some(Shortcut::Help);
    }
    Some(match code {
        "ArrowDown" | "KeyJ" => Shortcut::NextConversation,
        "ArrowUp" | "KeyK" => Shortcut::PreviousConversation,
        "KeyR" => Shortcut::FocusComposer,
        "KeyI" => Shortcut::FocusInbox,
        "KeyC" => Shortcut::Claim,
        "KeyT" => Shortcut::Transfer,
        "KeyX" => Shortcut::Close,
        "KeyN" => Shortcut::NoteMode,
        "Slash" => Shortcut::Help,
        _ => {
            let digit = code.strip_prefix("Digit")?.parse::<usize>().ok()?;
            if !(1..=9).contains(&digit) {
                return None;
            }
            Shortcut::OpenConversation(digit - 1)
        }
    })
}
