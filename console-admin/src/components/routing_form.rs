//! Settings page, routing section: auto-assign or manual claiming, the default
//! chat limit, and the timeouts.

use natter_protocol::TenantSettings;
use yew::prelude::*;

use super::form_bits::{Input, check, input};
use super::use_store;
use crate::state::admin::number;

type Field = (&'static str, &'static str, u32, (u32, u32), fn(&mut TenantSettings, &str));

#[component]
pub fn RoutingForm() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    let a = &store.admin;
    let r = &a.draft.routing;
    let fields: [Field; 5] = [
        ("default_max_chats", s.r_max, r.default_max_chats, (1, 50), |d, v| {
            d.routing.default_max_chats = number(v).unwrap_or(d.routing.default_max_chats)
        }),
        ("abandon_after_secs", s.r_abandon, r.abandon_after_secs, (1, 86_400), |d, v| {
            d.routing.abandon_after_secs = number(v).unwrap_or(d.routing.abandon_after_secs)
        }),
        ("inactive_close_after_secs", s.r_inactive, r.inactive_close_after_secs, (1, 604_800), |d, v| {
            d.routing.inactive_close_after_secs = number(v).unwrap_or(d.routing.inactive_close_after_secs)
        }),
        ("away_after_secs", s.r_away, r.away_after_secs, (1, 86_400), |d, v| {
            d.routing.away_after_secs = number(v).unwrap_or(d.routing.away_after_secs)
        }),
        ("offline_grace_secs", s.r_grace, r.offline_grace_secs, (0, 3600), |d, v| {
            d.routing.offline_grace_secs = number(v).unwrap_or(d.routing.offline_grace_secs)
        }),
    ];
    html! {
        <section class="card" aria-labelledby="sec-routing">
            <h2 id="sec-routing">{ s.sec_routing }</h2>
            { check("r-auto", s.r_auto, r.auto_assign, |d, v| d.routing.auto_assign = v == "true") }
            <div class="grid2">
                { for fields.iter().map(|&(name, label, value, range, f)| {
                    let id = format!("r-{name}");
                    let value = value.to_string();
                    let error = a.error_text(&format!("routing.{name}"), s);
                    input(Input { id: &id, label, kind: "number", value: &value, error }, f, Some(range))
                }) }
            </div>
        </section>
    }
}
