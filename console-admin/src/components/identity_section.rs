//! Settings page, identity section: the secret a shop's server needs for
//! `Natter.identify` hashes, hidden until asked for, with how to use it.

use yew::prelude::*;

use super::use_store;

#[component]
pub fn IdentitySection() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings();
    // Shown only on request: screens get shared and recorded.
    let shown = use_state(|| false);
    let toggle = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(!*shown))
    };
    html! {
        <section class="card" aria-labelledby="sec-identity">
            <h2 id="sec-identity">{ s.sec_identity }</h2>
            <p class="hint">{ s.id_explain }</p>
            <label for="identity-secret">{ s.id_secret }</label>
            <div class="row-inline">
                <input id="identity-secret" readonly=true spellcheck="false" autocomplete="off"
                    type={ if *shown { "text" } else { "password" } } value={ store.admin.identity_secret.clone() } />
                <button type="button" onclick={toggle} aria-controls="identity-secret" aria-pressed={shown.to_string()}>
                    { if *shown { s.id_hide } else { s.id_show } }
                </button>
            </div>
        </section>
    }
}
