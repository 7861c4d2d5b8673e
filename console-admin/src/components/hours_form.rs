//! Settings page, business hours section: on/off, time zone, each weekday's
//! opening intervals, holidays, and the open/closed override.

use natter_protocol::{ForceState, Weekday};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::form_bits::{Input, aria, check, error_line, input, on_select};
use super::use_store;
use crate::i18n::Strings;
use crate::state::Action;
use crate::state::admin::{AdminAction, WEEKDAYS, weekday_key};
use crate::web::runtime;

fn day_name(s: &Strings, d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => s.d_mon,
        Weekday::Tue => s.d_tue,
        Weekday::Wed => s.d_wed,
        Weekday::Thu => s.d_thu,
        Weekday::Fri => s.d_fri,
        Weekday::Sat => s.d_sat,
        Weekday::Sun => s.d_sun,
    }
}

#[component]
pub fn HoursForm() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let a = &store.admin;
    let h = &a.draft.hours;
    let days = WEEKDAYS.iter().map(|&d| {
        let id = format!("h-{}", weekday_key(d));
        let error = a.error_text(&format!("hours.weekly.{}", weekday_key(d)), s);
        let (described, invalid) = aria(&id, error);
        let described = Some(described.map_or("h-days-hint".to_owned(), |e| format!("h-days-hint {e}")));
        let oninput = Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            runtime::dispatch(Action::Admin(AdminAction::EditDay(d, v)));
        });
        html! {
            <div class="field day">
                <label for={id.clone()}>{ day_name(s, d) }</label>
                <input id={id.clone()} value={a.days.get(&d).cloned().unwrap_or_default()}
                    aria-describedby={described} aria-invalid={invalid} {oninput} />
                { error_line(&id, error) }
            </div>
        }
    });
    let on_holidays = Callback::from(|e: InputEvent| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        runtime::dispatch(Action::Admin(AdminAction::EditHolidays(v)));
    });
    let holidays_err = a.error_text("hours.holidays", s);
    let (hol_described, hol_invalid) = aria("h-holidays", holidays_err);
    let force = h.force;
    html! {
        <section class="card" aria-labelledby="sec-hours">
            <h2 id="sec-hours">{ s.sec_hours }</h2>
            { check("h-enabled", s.h_enabled, h.enabled, |d, v| d.hours.enabled = v == "true") }
            { input(Input { id: "h-timezone", label: s.h_timezone, kind: "text", value: &h.timezone,
                error: a.error_text("hours.timezone", s) }, |d, v| d.hours.timezone = v.trim().to_owned(), None) }
            <p class="who" id="h-days-hint">{ s.h_days_hint }</p>
            <div class="grid2">{ for days }</div>
            <div class="field">
                <label for="h-holidays">{ s.h_holidays }</label>
                <input id="h-holidays" value={a.holidays.clone()} placeholder="2026-12-31"
                    aria-describedby={hol_described} aria-invalid={hol_invalid} oninput={on_holidays} />
                { error_line("h-holidays", holidays_err) }
            </div>
            <div class="field">
                <label for="h-force">{ s.h_force }</label>
                <select id="h-force" onchange={on_select(|d, v| d.hours.force = match v {
                    "open" => Some(ForceState::Open),
                    "closed" => Some(ForceState::Closed),
                    _ => None,
                })}>
                    <option value="" selected={force.is_none()}>{ s.h_force_none }</option>
                    <option value="open" selected={force == Some(ForceState::Open)}>{ s.h_force_open }</option>
                    <option value="closed" selected={force == Some(ForceState::Closed)}>{ s.h_force_closed }</option>
                </select>
            </div>
        </section>
    }
}
