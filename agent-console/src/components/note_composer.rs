//! The composer's note side: the Reply / Internal note switch (Alt+N), and the
//! note box, which offers colleagues' names after `@` (arrow keys move, Enter
//! or Tab picks, Escape closes) and sends the note with Enter.

use natter_protocol::{AgentInfo, ConversationId};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::i18n::Locale;
use crate::state::Action;
use crate::state::desk::{self, DeskAction};
use crate::web::{dom, runtime};

/// A byte offset of `text` from a UTF-16 one (what the DOM's caret is in).
fn byte_of(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The UTF-16 offset of byte `at` of `text`.
fn utf16_of(text: &str, at: usize) -> u32 {
    text[..at.min(text.len())].encode_utf16().count() as u32
}

#[derive(Properties, PartialEq, Debug)]
pub struct ModeProps {
    pub id: ConversationId,
    pub note: bool,
    pub locale: Locale,
}

/// Reply / Internal note, as two pressed-or-not buttons.
#[component]
pub fn ComposerMode(p: &ModeProps) -> Html {
    let s = p.locale.strings().desk;
    let id = p.id;
    let set = |on: bool| {
        Callback::from(move |_: MouseEvent| {
            runtime::dispatch(Action::Desk(DeskAction::NoteMode { id, on }));
            dom::focus_id(&runtime::composer_id(id));
        })
    };
    html! {
        <div class="mode-switch" role="group" aria-label={ s.mode_group }>
            <button type="button" aria-pressed={(!p.note).to_string()} onclick={set(false)}>{ s.mode_reply }</button>
            <button type="button" class="note-mode" aria-pressed={p.note.to_string()} onclick={set(true)}
                aria-keyshortcuts="Alt+N">{ s.mode_note }</button>
        </div>
    }
}

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
    pub draft: String,
    /// Colleagues who may be mentioned.
    pub agents: Vec<AgentInfo>,
    pub locale: Locale,
}

/// The `@word` being typed, where its `@` is, and the highlighted suggestion.
#[derive(Debug, Clone, PartialEq, Default)]
struct Typing {
    at: usize,
    caret: usize,
    word: String,
    active: usize,
}

#[component]
pub fn NoteComposer(p: &Props) -> Html {
    let s = p.locale.strings().desk;
    let id = p.id;
    let area = use_node_ref();
    let typing = use_state(|| None::<Typing>);
    {
        let area = area.clone();
        use_effect_with(p.draft.clone(), move |draft| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>()
                && el.value() != *draft
            {
                el.set_value(draft);
            }
        });
    }
    let me = natter_protocol::AgentId(0);
    let matches: Vec<AgentInfo> = typing
        .as_ref()
        .map(|t| desk::suggestions(&p.agents, me, &t.word).into_iter().cloned().collect())
        .unwrap_or_default();
    let open = !matches.is_empty();
    let list_id = format!("mentions-{id}");
    let option_id = |i: usize| format!("mention-{id}-{i}");

    let pick = {
        let (area, typing) = (area.clone(), typing.clone());
        move |name: &str| {
            let Some(el) = area.cast::<HtmlTextAreaElement>() else { return };
            let Some(t) = (*typing).clone() else { return };
            let (text, caret) = desk::complete_mention(&el.value(), t.at, t.caret, name);
            el.set_value(&text);
            let pos = utf16_of(&text, caret);
            let _ = el.set_selection_range(pos, pos);
            typing.set(None);
            runtime::dispatch(Action::Desk(DeskAction::NoteDraft { id, text }));
        }
    };
    let oninput = {
        let typing = typing.clone();
        Callback::from(move |e: InputEvent| {
            let el = e.target_unchecked_into::<HtmlTextAreaElement>();
            let text = el.value();
            let caret = byte_of(&text, el.selection_start().ok().flatten().unwrap_or(0));
            let now = desk::mention_at_caret(&text, caret).map(|(at, word)| Typing {
                at,
                caret,
                word: word.to_owned(),
                active: 0,
            });
            typing.set(now);
            runtime::dispatch(Action::Desk(DeskAction::NoteDraft { id, text }));
        })
    };
    let onkeydown = {
        let (typing, matches, pick) = (typing.clone(), matches.clone(), pick.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.is_composing() || e.key_code() == 229 {
                return;
            }
            if let Some(t) = (*typing).clone().filter(|_| !matches.is_empty()) {
                let n = matches.len();
                match e.key().as_str() {
                    "ArrowDown" => typing.set(Some(Typing { active: (t.active + 1) % n, ..t })),
                    "ArrowUp" => typing.set(Some(Typing { active: (t.active + n - 1) % n, ..t })),
                    "Enter" | "Tab" => pick(&matches[t.active.min(n - 1)].name),
                    "Escape" => {
                        e.stop_propagation();
                        typing.set(None);
                    }
                    _ => return,
                }
                e.prevent_default();
                return;
            }
            if e.key() == "Enter" && !e.shift_key() {
                e.prevent_default();
                runtime::dispatch(Action::Desk(DeskAction::SendNote {
                    id,
                    client_id: dom::client_id(),
                    now: dom::now(),
                }));
            }
        })
    };
    let onblur = {
        let typing = typing.clone();
        Callback::from(move |_: FocusEvent| typing.set(None))
    };
    let send = Callback::from(move |_: MouseEvent| {
        runtime::dispatch(Action::Desk(DeskAction::SendNote { id, client_id: dom::client_id(), now: dom::now() }));
    });
    let input_id = runtime::composer_id(id);
    let active = typing.as_ref().map_or(0, |t| t.active);
    html! {
        <div class="composer note-composer">
            <label class="sr-only" for={input_id.clone()}>{ s.mode_note }</label>
            <textarea id={input_id} ref={area} rows="2" placeholder={ s.note_placeholder } aria-autocomplete="list"
                aria-controls={ open.then(|| list_id.clone()) }
                aria-activedescendant={ open.then(|| option_id(active)) }
                aria-keyshortcuts="Alt+R" {oninput} {onkeydown} {onblur} />
            <button type="button" class="primary note-send" onclick={send}>{ s.add_note }</button>
            if open {
                <ul class="mentions" role="listbox" id={list_id} aria-label={ s.suggestions }>
                    { for matches.iter().enumerate().map(|(i, a)| {
                        let pick = pick.clone();
                        let name = a.name.clone();
                        // mousedown, not click: the box keeps focus (its blur closes the list).
                        let onmousedown = Callback::from(move |e: MouseEvent| { e.prevent_default(); pick(&name); });
                        html! {
                            <li role="option" id={option_id(i)} aria-selected={(i == active).to_string()} {onmousedown}>
                                { format!("@{}", a.name) }
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
