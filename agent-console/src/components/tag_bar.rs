//! The tags of the open conversation, under its header: a chip per tag with a
//! remove button, and "Edit tags", a list of the tenant's tags as checkboxes
//! (Tab and Space; Escape closes it and returns to the button).

use natter_protocol::{ConversationId, Tag, TagId};
use yew::prelude::*;

use crate::i18n::{Locale, fill};
use crate::state::Action;
use crate::state::desk::DeskAction;
use crate::web::{dom, runtime};

#[derive(Properties, PartialEq, Debug)]
pub struct Props {
    pub id: ConversationId,
    /// Tags on the conversation, in the order added.
    pub on: Vec<TagId>,
    /// The tenant's list.
    pub all: Vec<Tag>,
    pub online: bool,
    pub locale: Locale,
}

/// A tag's chip: a dot of its colour and its name.
pub fn chip(t: &Tag) -> Html {
    html! {
        <span class="tag-chip" data-tag={t.id.to_string()}>
            <span class="tag-dot" style={format!("background:{}", t.color)} aria-hidden="true"></span>
            { t.name.clone() }
        </span>
    }
}

fn toggle(id: ConversationId, tag: TagId, on: bool) {
    runtime::dispatch(Action::Desk(DeskAction::Tag { id, tag, on }));
}

#[component]
pub fn TagBar(p: &Props) -> Html {
    let s = p.locale.strings().desk;
    let id = p.id;
    let open = use_state(|| false);
    let menu_id = format!("tag-menu-{id}");
    let button_id = format!("tag-button-{id}");
    let chips = p.on.iter().filter_map(|t| p.all.iter().find(|a| a.id == *t)).map(|t| {
        let tag = t.id;
        let remove = Callback::from(move |_: MouseEvent| toggle(id, tag, false));
        html! {
            <li key={t.id.0}>
                { chip(t) }
                <button type="button" class="chip-x" onclick={remove} disabled={!p.online}
                    aria-label={fill(s.tag_remove_of, &[&t.name])}>{ "×" }</button>
            </li>
        }
    });
    let flip = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let onkeydown = {
        let (open, button_id) = (open.clone(), button_id.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                open.set(false);
                dom::focus_id(&button_id);
            }
        })
    };
    let boxes = p.all.iter().map(|t| {
        let tag = t.id;
        let checked = p.on.contains(&tag);
        let box_id = format!("tag-{id}-{tag}");
        let onchange = Callback::from(move |_: Event| toggle(id, tag, !checked));
        html! {
            <li key={t.id.0}>
                <input type="checkbox" id={box_id.clone()} {checked} {onchange} disabled={!p.online} />
                <label for={box_id}>{ chip(t) }</label>
            </li>
        }
    });
    html! {
        <div class="tag-bar" {onkeydown}>
            <ul class="tag-chips" aria-label={ s.tags }>{ for chips }</ul>
            <button type="button" id={button_id} class="tag-edit" aria-expanded={open.to_string()}
                aria-controls={menu_id.clone()} onclick={flip}>{ s.edit_tags }</button>
            if *open {
                <div class="tag-menu" id={menu_id}>
                    if p.all.is_empty() {
                        <p class="who">{ s.no_tags }</p>
                    } else {
                        <ul aria-label={ s.tags }>{ for boxes }</ul>
                    }
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq, Debug)]
pub struct FilterProps {
    pub all: Vec<Tag>,
    pub current: Option<TagId>,
    pub locale: Locale,
}

/// The inbox's tag filter (shown once the tenant has tags).
#[component]
pub fn TagFilter(p: &FilterProps) -> Html {
    let s = p.locale.strings().desk;
    if p.all.is_empty() {
        return html! {};
    }
    let onchange = Callback::from(move |e: Event| {
        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        let tag = v.parse::<u64>().ok().map(TagId);
        runtime::dispatch(Action::Desk(DeskAction::FilterTag(tag)));
    });
    html! {
        <div class="tag-filter">
            <label for="tag-filter">{ s.filter_tag }</label>
            <select id="tag-filter" {onchange}>
                <option value="" selected={p.current.is_none()}>{ s.all_tags }</option>
                { for p.all.iter().map(|t| html! {
                    <option value={t.id.to_string()} selected={p.current == Some(t.id)}>{ t.name.clone() }</option>
                }) }
            </select>
        </div>
    }
}
