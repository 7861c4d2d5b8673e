//! The settings page's tag list (owners and admins): each tag's name and colour
//! saved on its own, a new tag added, a tag deleted after a confirmation. The
//! relay answers with the list and tells every console (`tags` frame), so the
//! list shown is the store's.

use std::collections::BTreeMap;

use natter_protocol::{Tag, TagDraft, TagId};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::form_bits::{aria, error_line};
use super::use_store;
use crate::i18n::desk::{DeskStrings, problem_text};
use crate::i18n::fill;
use crate::state::team::{self, Problem};
use crate::web::api;

/// Where a tag's error shows: its row (`Some`) or the new tag (`None`), and the field.
type ErrorSpot = (Option<TagId>, &'static str);

/// What the section holds while the admin types.
#[derive(Debug, Clone, PartialEq, Default)]
struct Edits {
    /// Typed name and colour per row (absent: as stored).
    rows: BTreeMap<TagId, (String, String)>,
    new: (String, String),
    errors: BTreeMap<ErrorSpot, Problem>,
    deleting: Option<TagId>,
    busy: bool,
}

fn value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// Checks and sends one change; the answer clears or fills the errors.
fn submit(edits: &UseStateHandle<Edits>, token: String, id: Option<TagId>, draft: Option<(String, String)>) {
    let mut next = (**edits).clone();
    next.errors.retain(|k, _| k.0 != id);
    let draft = match draft.map(|(n, c)| team::check_tag(&n, &c)) {
        Some(Err((field, p))) => {
            next.errors.insert((id, field), p);
            edits.set(next);
            return;
        }
        Some(Ok((name, color))) => Some(TagDraft { name, color }),
        None => None,
    };
    next.busy = true;
    edits.set(next.clone());
    let edits = edits.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = api::tag_call(token, id, draft).await;
        let mut after = next;
        after.busy = false;
        after.deleting = None;
        match answer {
            Ok(_) => match id {
                Some(id) => {
                    after.rows.remove(&id);
                }
                None => after.new = (String::new(), "#1d4ed8".into()),
            },
            Err(r) => {
                let field = if r.field.as_deref() == Some("color") { "color" } else { "name" };
                after.errors.insert((id, field), team::problem_of(&r));
            }
        }
        edits.set(after);
    });
}

fn fields(
    s: &'static DeskStrings,
    key: &str,
    label_of: Option<&str>,
    v: &(String, String),
    err: [Option<String>; 2],
    on_name: Callback<InputEvent>,
    on_color: Callback<InputEvent>,
) -> Html {
    let (name_id, color_id) = (format!("{key}-name"), format!("{key}-color"));
    let (nd, ni) = aria(&name_id, err[0].as_deref());
    let (cd, ci) = aria(&color_id, err[1].as_deref());
    let (name_label, color_label) = match label_of {
        Some(t) => (fill(s.tag_name_of, &[t]), fill(s.tag_color_of, &[t])),
        None => (s.tag_name.to_owned(), s.tag_color.to_owned()),
    };
    html! {
        <>
            <span class="field">
                <label for={name_id.clone()} class={classes!(label_of.is_some().then_some("sr-only"))}>{ name_label }</label>
                <input id={name_id.clone()} value={v.0.clone()} oninput={on_name} maxlength="40"
                    aria-describedby={nd} aria-invalid={ni} />
                { error_line(&name_id, err[0].as_deref()) }
            </span>
            <span class="field">
                <label for={color_id.clone()} class={classes!(label_of.is_some().then_some("sr-only"))}>{ color_label }</label>
                <input id={color_id.clone()} type="color" value={v.1.clone()} oninput={on_color}
                    aria-describedby={cd} aria-invalid={ci} />
                { error_line(&color_id, err[1].as_deref()) }
            </span>
        </>
    }
}

#[component]
pub fn TagsSection() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings().desk;
    let edits = use_state(|| Edits { new: (String::new(), "#1d4ed8".into()), ..Edits::default() });
    let token = store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default();
    let err = |id: Option<TagId>, f: &'static str| edits.errors.get(&(id, f)).map(|p| problem_text(s, p));
    let set = |id: Option<TagId>, name: bool, base: (String, String)| {
        let edits = edits.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*edits).clone();
            let entry = match id {
                Some(id) => next.rows.entry(id).or_insert_with(|| base.clone()),
                None => &mut next.new,
            };
            if name {
                entry.0 = value(&e)
            } else {
                entry.1 = value(&e)
            }
            edits.set(next);
        })
    };
    let rows = store.tags.iter().map(|t: &Tag| {
        let id = t.id;
        let stored = (t.name.clone(), t.color.clone());
        let v = edits.rows.get(&id).cloned().unwrap_or_else(|| stored.clone());
        let save = {
            let (edits, token, v) = (edits.clone(), token.clone(), v.clone());
            Callback::from(move |_: MouseEvent| submit(&edits, token.clone(), Some(id), Some(v.clone())))
        };
        let ask = {
            let edits = edits.clone();
            Callback::from(move |_: MouseEvent| edits.set(Edits { deleting: Some(id), ..(*edits).clone() }))
        };
        let cancel = {
            let edits = edits.clone();
            Callback::from(move |_: MouseEvent| edits.set(Edits { deleting: None, ..(*edits).clone() }))
        };
        let delete = {
            let (edits, token) = (edits.clone(), token.clone());
            Callback::from(move |_: MouseEvent| submit(&edits, token.clone(), Some(id), None))
        };
        html! {
            <li key={id.0} class="tag-row" data-tag={id.to_string()}>
                { fields(s, &format!("tag-{id}"), Some(&t.name), &v, [err(Some(id), "name"), err(Some(id), "color")],
                    set(Some(id), true, stored.clone()), set(Some(id), false, stored.clone())) }
                <button type="button" onclick={save} disabled={edits.busy || v == stored}
                    aria-label={fill(s.tag_save_of, &[&t.name])}>{ s.tag_save }</button>
                if edits.deleting == Some(id) {
                    <span role="alert" class="confirm-inline">{ fill(s.tag_delete_q, &[&t.name]) }{ " " }
                        <button type="button" class="danger" onclick={delete} disabled={edits.busy}>{ s.delete }</button>
                        <button type="button" onclick={cancel}>{ s.cancel }</button>
                    </span>
                } else {
                    <button type="button" class="danger" onclick={ask} aria-label={fill(s.tag_delete_of, &[&t.name])}>
                        { s.delete }
                    </button>
                }
            </li>
        }
    });
    let add = {
        let (edits, token) = (edits.clone(), token.clone());
        let v = edits.new.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit(&edits, token.clone(), None, Some(v.clone()));
        })
    };
    let base = edits.new.clone();
    html! {
        <section class="card tags-admin" aria-labelledby="sec-tags">
            <h2 id="sec-tags">{ s.tags }</h2>
            <p class="who">{ s.tags_hint }</p>
            <ul class="tag-rows">{ for rows }</ul>
            <form class="tag-row tag-new" onsubmit={add} novalidate=true aria-label={ s.tag_add }>
                { fields(s, "tag-new", None, &edits.new, [err(None, "name"), err(None, "color")],
                    set(None, true, base.clone()), set(None, false, base)) }
                <button type="submit" class="primary" disabled={edits.busy}>{ s.tag_add }</button>
            </form>
        </section>
    }
}
