//! One proactive greeting rule in the settings form: its name, page pattern,
//! time on page, scroll depth, audience, business hours, text (and Thai text)
//! and action, with Up, Down and Remove; edits go to the draft by index, and
//! the relay's refusal of a field (`widget.greetings[i].text`) shows under it.

use natter_protocol::{GreetingAction, GreetingRule, TenantSettings};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::form_bits::{aria, error_line};
use super::use_store;
use crate::i18n::fill;
use crate::state::Action;
use crate::state::admin::{AdminAction, ItemSetter, number};
use crate::state::greetings::{
    action_of, audience_key, audience_of, error_text, move_down, move_up, remove_rule, set_text_th, with_rule,
};
use crate::web::runtime;

type Write = fn(&mut TenantSettings, usize, &str);

fn set(index: usize, f: Write, value: String) {
    runtime::dispatch(Action::Admin(AdminAction::SetItem(index, ItemSetter(f), value)));
}

#[derive(Debug, Properties, PartialEq)]
pub struct RuleProps {
    pub index: usize,
    /// How many rules there are (Up and Down at the ends).
    pub count: usize,
    pub rule: GreetingRule,
}

/// What a field of the rule is: its key (the relay's name after `widget.greetings[i].`), label, input.
struct Field {
    key: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    write: Write,
}

#[component]
pub fn GreetingRuleEditor(p: &RuleProps) -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let w = store.settings.locale.workspace_strings();
    let a = &store.admin;
    let i = p.index;
    let r = &p.rule;
    let n = (i + 1).to_string();
    let error = |key: &str| error_text(a, &format!("widget.greetings[{i}].{key}"), s, w).map(str::to_owned);
    let field = |f: Field| {
        let id = format!("g{i}-{}", f.key.replace('.', "-"));
        let e = error(f.key);
        let (described, invalid) = aria(&id, e.as_deref());
        let write = f.write;
        let oninput =
            Callback::from(move |ev: InputEvent| set(i, write, ev.target_unchecked_into::<HtmlInputElement>().value()));
        html! {
            <div class="field">
                <label for={id.clone()}>{ f.label }</label>
                <input id={id.clone()} type={f.kind} value={f.value} {oninput}
                    aria-describedby={described} aria-invalid={invalid} />
                { error_line(&id, e.as_deref()) }
            </div>
        }
    };
    let text_area = |key: &'static str,
                     label: &'static str,
                     lang: Option<&'static str>,
                     value: String,
                     write: Write| {
        let id = format!("g{i}-{}", key.replace('.', "-"));
        let e = error(key);
        let (described, invalid) = aria(&id, e.as_deref());
        let oninput = Callback::from(move |ev: InputEvent| {
            set(i, write, ev.target_unchecked_into::<HtmlTextAreaElement>().value())
        });
        html! {
            <div class="field">
                <label for={id.clone()}>{ label }</label>
                <textarea id={id.clone()} rows="2" {lang} {value} {oninput} aria-describedby={described} aria-invalid={invalid} />
                { error_line(&id, e.as_deref()) }
            </div>
        }
    };
    let select = |key: &'static str,
                  label: &'static str,
                  options: Vec<(&'static str, &'static str, bool)>,
                  write: Write| {
        let id = format!("g{i}-{key}");
        let onchange =
            Callback::from(move |ev: Event| set(i, write, ev.target_unchecked_into::<HtmlSelectElement>().value()));
        html! {
            <div class="field">
                <label for={id.clone()}>{ label }</label>
                <select id={id} {onchange}>
                    { for options.into_iter().map(|(v, l, on)| html! { <option value={v} selected={on}>{ l }</option> }) }
                </select>
            </div>
        }
    };
    let button = |label: &'static str, aria_label: &'static str, disabled: bool, write: Write, danger: bool| {
        let onclick = Callback::from(move |_: MouseEvent| set(i, write, String::new()));
        html! {
            <button type="button" class={classes!(danger.then_some("danger"))} {onclick} {disabled}
                aria-label={fill(aria_label, &[&(i + 1).to_string()])}>{ label }</button>
        }
    };
    let hours_id = format!("g{i}-hours");
    let on_hours = Callback::from(move |ev: Event| {
        let v = ev.target_unchecked_into::<HtmlInputElement>().checked().to_string();
        set(i, |d, i, v| with_rule(d, i, |r| r.business_hours_only = v == "true"), v);
    });
    let audience = |v: &'static str, l: &'static str| (v, l, audience_key(r.audience) == v);
    html! {
        <fieldset class="greeting-rule" data-rule={i.to_string()}>
            <legend>{ fill(w.greet_rule, &[&n]) }{ ": " }{ r.name.clone() }</legend>
            <div class="grid2">
                { field(Field { key: "name", label: w.g_name, kind: "text", value: r.name.clone(),
                    write: |d, i, v| with_rule(d, i, |r| r.name = v.to_owned()) }) }
                { field(Field { key: "url_pattern", label: w.g_url, kind: "text", value: r.url_pattern.clone(),
                    write: |d, i, v| with_rule(d, i, |r| r.url_pattern = v.trim().to_owned()) }) }
                { field(Field { key: "min_seconds_on_page", label: w.g_seconds, kind: "number",
                    value: r.min_seconds_on_page.to_string(),
                    write: |d, i, v| with_rule(d, i, |r| r.min_seconds_on_page = number(v).unwrap_or(r.min_seconds_on_page)) }) }
                { field(Field { key: "min_scroll_percent", label: w.g_scroll, kind: "number",
                    value: r.min_scroll_percent.to_string(),
                    write: |d, i, v| with_rule(d, i, |r| {
                        r.min_scroll_percent = number(v).and_then(|n| u8::try_from(n).ok()).unwrap_or(r.min_scroll_percent)
                    }) }) }
                { select("audience", w.g_audience,
                    vec![audience("everyone", w.aud_everyone), audience("new", w.aud_new), audience("returning", w.aud_returning)],
                    |d, i, v| with_rule(d, i, |r| if let Some(a) = audience_of(v) { r.audience = a })) }
                { select("action", w.g_action,
                    vec![("teaser", w.act_teaser, r.action == GreetingAction::Teaser), ("open", w.act_open, r.action == GreetingAction::Open)],
                    |d, i, v| with_rule(d, i, |r| r.action = action_of(v))) }
            </div>
            <p class="hint">{ w.g_url_hint }</p>
            <label class="check" for={hours_id.clone()}>
                <input id={hours_id} type="checkbox" checked={r.business_hours_only} onchange={on_hours} />
                { w.g_hours }
            </label>
            { text_area("text", w.g_text, None, r.text.clone(), |d, i, v| with_rule(d, i, |r| r.text = v.to_owned())) }
            { text_area("texts.th", w.g_text_th, Some("th"), r.texts.get("th").cloned().unwrap_or_default(),
                |d, i, v| with_rule(d, i, |r| set_text_th(r, v))) }
            <div class="actions">
                { button(w.move_up, w.move_up_of, i == 0, |d, i, _| move_up(d, i), false) }
                { button(w.move_down, w.move_down_of, i + 1 >= p.count, |d, i, _| move_down(d, i), false) }
                { button(w.remove, w.remove_of, false, |d, i, _| remove_rule(d, i), true) }
            </div>
        </fieldset>
    }
}
