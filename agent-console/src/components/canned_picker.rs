//! The `/` picker above a composer: the matching canned responses as a listbox
//! (the reply box keeps focus and points at the highlighted option with
//! `aria-activedescendant`), each with its shortcut, category and text, and a
//! preview of the highlighted one rendered for this conversation, saying
//! which variables fell back. Keys are handled by the composer.

use natter_protocol::ConversationId;
use web_sys::{ScrollIntoViewOptions, ScrollLogicalPosition};
use yew::prelude::*;

use super::use_store;
use crate::i18n::{CannedStrings, fill};
use crate::state::Action;
use crate::state::canned::text::{Piece, preview};
use crate::state::canned::{CannedAction, Load};
use crate::web::{dom, runtime};

/// The listbox's DOM id in a conversation's composer.
pub fn list_id(id: ConversationId) -> String {
    format!("canned-{id}-list")
}

/// An option's DOM id.
pub fn option_id(id: ConversationId, n: usize) -> String {
    format!("canned-{id}-opt-{n}")
}

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
}

/// The preview's pieces, fallbacks marked.
fn preview_html(pieces: &[Piece]) -> Html {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => html! { { t.clone() } },
            Piece::Value { value, .. } => html! { <span class="var">{ value.clone() }</span> },
            Piece::Fallback { fallback, .. } => html! { <mark class="fallback">{ fallback.clone() }</mark> },
            Piece::Missing { .. } => html! {},
        })
        .collect()
}

/// The lines saying which variables fell back or were left out.
fn fallback_notes(pieces: &[Piece], c: &CannedStrings) -> Html {
    let names = |want_fallback: bool| -> Vec<String> {
        pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Fallback { name, .. } if want_fallback => Some(format!("{{{{{name}}}}}")),
                Piece::Missing { name } if !want_fallback => Some(format!("{{{{{name}}}}}")),
                _ => None,
            })
            .collect()
    };
    let (fell, left) = (names(true), names(false));
    html! {
        <>
            if !fell.is_empty() { <p class="canned-note">{ fill(c.fell_back, &[&fell.join(", ")]) }</p> }
            if !left.is_empty() { <p class="canned-note">{ fill(c.left_out, &[&left.join(", ")]) }</p> }
        </>
    }
}

/// Brings the highlighted option into view when it changes.
fn scroll_to(option: &str) {
    let Some(el) = dom::document().and_then(|d| d.get_element_by_id(option)) else { return };
    let opts = ScrollIntoViewOptions::new();
    opts.set_block(ScrollLogicalPosition::Nearest);
    el.scroll_into_view_with_scroll_into_view_options(&opts);
}

#[component]
pub fn CannedPicker(p: &Props) -> Html {
    let store = use_store();
    let c = store.settings.locale.strings().canned;
    let id = p.id;
    let picker = store.canned.picker_of(id).cloned();
    let active = picker.as_ref().map(|p| option_id(id, p.active));
    use_effect_with(active, |active| {
        if let Some(a) = active {
            scroll_to(a);
        }
    });
    // The live region stays in the page, so what it says when the picker opens is announced.
    let Some(picker) = picker else { return html! { <div class="sr-only" role="status" aria-live="polite"></div> } };
    let status = match &store.canned.load {
        Load::Loading | Load::Idle if store.canned.list.is_empty() => Some(c.loading.to_owned()),
        Load::Failed(m) if store.canned.list.is_empty() => Some(fill(c.load_failed, &[m])),
        _ if picker.hits.is_empty() => Some(fill(c.no_match, &[&picker.query])),
        _ => None,
    };
    let options = picker.hits.iter().enumerate().filter_map(|(n, &h)| {
        let r = store.canned.get(h)?;
        let selected = n == picker.active;
        // The reply box keeps focus: a press here must not take it away.
        let onmousedown = Callback::from(|e: MouseEvent| e.prevent_default());
        let onclick =
            Callback::from(move |_: MouseEvent| runtime::dispatch(Action::Canned(CannedAction::Pick(Some(n)))));
        Some(html! {
            <li key={r.id.0} role="option" id={option_id(id, n)} aria-selected={selected.to_string()}
                class={classes!("canned-opt", selected.then_some("active"))} {onmousedown} {onclick}>
                <span class="sc">{ format!("/{}", r.shortcut) }</span>
                if let Some(cat) = &r.category { <span class="cat" dir="auto">{ cat.clone() }</span> }
                <span class="snip" dir="auto">{ r.text.clone() }</span>
            </li>
        })
    });
    let shown = picker.hits.get(picker.active).and_then(|&h| store.canned.get(h));
    let pieces = shown.map(|r| preview(&r.text, &store.canned_values(id)));
    let announcement = status.clone().unwrap_or_else(|| fill(c.count, &[&picker.hits.len().to_string()]));
    html! {
        <>
        <div class="sr-only" role="status" aria-live="polite">{ announcement }</div>
        <div class="canned-picker">
            <ul role="listbox" id={list_id(id)} aria-label={ c.list_label }>{ for options }</ul>
            if let Some(s) = &status { <p class="canned-empty">{ s.clone() }</p> }
            if let Some(pieces) = pieces {
                <div class="canned-preview">
                    <p class="canned-pv-title">{ c.preview }</p>
                    <p class="canned-pv" dir="auto">{ preview_html(&pieces) }</p>
                    { fallback_notes(&pieces, c) }
                </div>
            }
            <p class="canned-keys">{ c.keys_hint }</p>
        </div>
        </>
    }
}
