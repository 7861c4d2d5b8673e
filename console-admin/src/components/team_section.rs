//! The settings page's team screen (owners and admins): every account with its
//! role, skills, chat limit, last sign-in and state; adding an agent with an
//! initial password or inviting one by a link (shown once, with its expiry and
//! a copy button), changing roles, resetting a password (shown once, with a
//! copy button) and deactivating or reactivating behind a confirmation. Changes
//! go to the relay at once, apart from the settings form's Save. Only owners
//! touch owners; refusals show next to what they are about.

use std::rc::Rc;

use natter_protocol::{AgentAdminView, AgentId, Invitation, Role};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::form_bits::{aria, error_line};
use super::install_section::copy_text;
use super::modal::Modal;
use super::pending_invitations::PendingInvitations;
use super::use_store;
use crate::format;
use crate::i18n::desk::{DeskStrings, problem_text, role_name};
use crate::i18n::fill;
use crate::state::team::{self, AddForm, InviteForm, Spot, TeamAction, TeamState};
use crate::web::{api, dom};

/// The screen's state as a Yew reducer.
#[derive(Debug, Clone, PartialEq, Default)]
struct Team(TeamState);

impl Reducible for Team {
    type Action = TeamAction;
    fn reduce(self: Rc<Self>, action: TeamAction) -> Rc<Self> {
        let mut next = self.0.clone();
        next.apply(action);
        Rc::new(Team(next))
    }
}

/// A fresh password: 16 random characters people can read out.
fn generated_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    dom::random_bytes().iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect()
}

fn value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

#[component]
pub fn TeamSection() -> Html {
    let store = use_store();
    let s = store.settings.locale.strings().desk;
    let team = use_reducer(Team::default);
    let token = store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default();
    let me = store.me().cloned();
    let my_role = me.as_ref().map_or(Role::Agent, |a| a.role);
    {
        // Loaded on mount, and again when this agent's own role changes.
        let team = team.dispatcher();
        use_effect_with(my_role, move |_| team.dispatch(TeamAction::Reload));
    }
    {
        let dispatch = team.dispatcher();
        let command = team.0.command.clone();
        use_effect_with(team.0.command_seq, move |_| {
            if let Some(command) = command {
                wasm_bindgen_futures::spawn_local(async move {
                    dispatch.dispatch(api::team_command(token, command).await);
                });
            }
        });
    }
    let t = &team.0;
    let err = |spot: Spot| t.errors.get(&spot).map(|p| problem_text(s, p));
    let body = match &t.agents {
        None => html! { <p role="status">{ s.loading }</p> },
        Some(Err(m)) => html! { <p class="msg error" role="alert">{ fill(s.load_failed, &[m]) }</p> },
        Some(Ok(_)) => {
            let rows = t.sorted().into_iter().map(|a| row(s, &team, a, me.as_ref().map(|m| m.id), my_role, &store));
            html! {
                <table class="agents team-table">
                    <thead><tr>
                        <th scope="col">{ s.t_agent }</th><th scope="col">{ s.t_role }</th>
                        <th scope="col">{ s.t_skills }</th><th scope="col">{ s.t_max }</th>
                        <th scope="col">{ s.t_last }</th><th scope="col">{ s.t_state }</th>
                        <th scope="col">{ s.t_actions }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        }
    };
    let reset = t.reset.as_ref().map(|(id, typed)| reset_form(s, &team, *id, typed, err(Spot::Password(*id))));
    let open_add = {
        let team = team.dispatcher();
        let open = t.add_open;
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::OpenAdd(!open)))
    };
    let names = t.sorted().into_iter().map(|a| (a.agent.id, a.agent.name.clone())).collect::<Vec<_>>();
    let open_invite = {
        let team = team.dispatcher();
        let open = t.invite_open;
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::OpenInvite(!open)))
    };
    html! {
        <section class="card team-admin" aria-labelledby="sec-team">
            <h2 id="sec-team">{ s.team }</h2>
            <p class="who">{ s.team_hint }</p>
            if let Some(shown) = &t.shown { { shown_box(s, &team, &shown.name, &shown.password) } }
            { body }
            { reset.unwrap_or_default() }
            <button type="button" id="team-add" aria-expanded={t.add_open.to_string()} onclick={open_add}>
                { s.add_agent }
            </button>
            { " " }
            <button type="button" id="team-invite" aria-expanded={t.invite_open.to_string()} onclick={open_invite}>
                { s.invite }
            </button>
            if let Some(invited) = &t.invited { { invited_box(s, &team, invited) } }
            <PendingInvitations refresh={t.invited.as_ref().map_or(0, |i| i.expires_at.0)} names={names} />
            if t.add_open { { add_form(s, &team, &t.add, my_role, t.busy, &err) } }
            if t.invite_open { { invite_form(s, &team, &t.invite, my_role, t.busy, &err) } }
            if let Some((id, active)) = t.confirm { { confirm(s, &team, id, active) } }
        </section>
    }
}

fn row(
    s: &'static DeskStrings,
    team: &UseReducerHandle<Team>,
    a: &AgentAdminView,
    me: Option<AgentId>,
    my_role: Role,
    store: &super::Ctx,
) -> Html {
    let t = &team.0;
    let id = a.agent.id;
    let name = a.agent.name.clone();
    let mine = me == Some(id);
    let manage = team::may_manage(my_role, a.agent.role);
    let tz = dom::tz_offset_min();
    let role_id = format!("team-role-{id}");
    let role_err = t.errors.get(&Spot::Role(id)).map(|p| problem_text(s, p));
    let active_err = t.errors.get(&Spot::Active(id)).map(|p| problem_text(s, p));
    let (rd, ri) = aria(&role_id, role_err.as_deref());
    let on_role = {
        let team = team.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(role) = Role::parse(&v) {
                team.dispatch(TeamAction::SetRole(id, role));
            }
        })
    };
    let current = a.agent.role;
    let role_cell = if manage && a.deactivated_at.is_none() {
        html! {
            <>
                <select id={role_id.clone()} aria-label={fill(s.role_of, &[&name])} onchange={on_role}
                    aria-describedby={rd} aria-invalid={ri} disabled={t.busy}>
                    { for team::grantable(my_role).iter().chain((!team::grantable(my_role).contains(&current)).then_some(&current))
                        .map(|r| html! { <option value={r.as_str()} selected={*r == current}>{ role_name(s, *r) }</option> }) }
                </select>
                { error_line(&role_id, role_err.as_deref()) }
            </>
        }
    } else {
        html! { { role_name(s, current) } }
    };
    let default_max = store.admin.draft.routing.default_max_chats;
    let max = a.max_chats.map_or_else(|| format!("{} ({default_max})", s.default_max), |m| m.to_string());
    let last = a.last_sign_in_at.map_or_else(|| s.never.to_owned(), |at| format::date_time(at, tz));
    let state = a
        .deactivated_at
        .map_or_else(|| s.active.to_owned(), |at| fill(s.deactivated_at, &[&format::date_time(at, tz)]));
    let start_reset = {
        let team = team.dispatcher();
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::StartReset(id)))
    };
    let deactivated = a.deactivated_at.is_some();
    let ask = {
        let team = team.dispatcher();
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::AskActive(id, deactivated)))
    };
    let active_id = format!("team-active-{id}");
    html! {
        <tr key={id.0} data-agent={id.to_string()} class={classes!(deactivated.then_some("deactivated"))}>
            <th scope="row">
                { name.clone() }{ if mine { format!(" {}", s.you) } else { String::new() } }
                <br /><span class="who">{ a.agent.email.clone() }</span>
            </th>
            <td>{ role_cell }</td>
            <td>{ a.skills.join(", ") }</td>
            <td>{ max }</td>
            <td>{ last }</td>
            <td>{ state }</td>
            <td class="team-actions">
                if manage && !deactivated {
                    <button type="button" onclick={start_reset} disabled={t.busy}
                        aria-label={fill(s.reset_of, &[&name])}>{ s.reset_password }</button>
                }
                if manage && !mine {
                    <button type="button" id={active_id.clone()} class={classes!((!deactivated).then_some("danger"))}
                        onclick={ask} disabled={t.busy}
                        aria-label={fill(if deactivated { s.reactivate_of } else { s.deactivate_of }, &[&name])}>
                        { if deactivated { s.reactivate } else { s.deactivate } }
                    </button>
                }
                { error_line(&active_id, active_err.as_deref()) }
            </td>
        </tr>
    }
}

fn reset_form(
    s: &'static DeskStrings,
    team: &UseReducerHandle<Team>,
    id: AgentId,
    typed: &str,
    err: Option<String>,
) -> Html {
    let name = team.0.sorted().into_iter().find(|a| a.agent.id == id).map(|a| a.agent.name.clone()).unwrap_or_default();
    let field = "team-reset-password";
    let (d, i) = aria(field, err.as_deref());
    let oninput = {
        let team = team.dispatcher();
        Callback::from(move |e: InputEvent| team.dispatch(TeamAction::EditReset(value(&e))))
    };
    let generate = {
        let team = team.dispatcher();
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::EditReset(generated_password())))
    };
    let cancel = {
        let team = team.dispatcher();
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::CancelReset))
    };
    let onsubmit = {
        let team = team.dispatcher();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            team.dispatch(TeamAction::SubmitReset);
        })
    };
    html! {
        <form class="team-form" id="team-reset" {onsubmit} novalidate=true aria-labelledby="team-reset-title">
            <h3 id="team-reset-title">{ fill(s.reset_of, &[&name]) }</h3>
            <p class="who">{ s.reset_hint }</p>
            <label for={field}>{ s.new_password }</label>
            <input id={field} type="text" autocomplete="new-password" value={typed.to_owned()} {oninput}
                aria-describedby={d} aria-invalid={i} spellcheck="false" />
            { error_line(field, err.as_deref()) }
            <div class="actions">
                <button type="button" onclick={generate}>{ s.generate }</button>
                <button type="button" onclick={cancel}>{ s.cancel }</button>
                <button type="submit" class="primary" disabled={team.0.busy}>{ s.set_password }</button>
            </div>
        </form>
    }
}

fn add_form(
    s: &'static DeskStrings,
    team: &UseReducerHandle<Team>,
    f: &AddForm,
    my_role: Role,
    busy: bool,
    err: &dyn Fn(Spot) -> Option<String>,
) -> Html {
    let edit = |change: fn(&mut AddForm, String)| {
        let (team, f) = (team.dispatcher(), f.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = f.clone();
            change(&mut next, value(&e));
            team.dispatch(TeamAction::EditAdd(next));
        })
    };
    let field =
        |key: &'static str, label: &'static str, kind: &'static str, v: &str, change: fn(&mut AddForm, String)| {
            let id = format!("team-add-{key}");
            let e = err(Spot::Add(key));
            let (d, i) = aria(&id, e.as_deref());
            html! {
                <div class="field">
                    <label for={id.clone()}>{ label }</label>
                    <input id={id.clone()} type={kind} value={v.to_owned()} oninput={edit(change)}
                        aria-describedby={d} aria-invalid={i} spellcheck="false" />
                    { error_line(&id, e.as_deref()) }
                </div>
            }
        };
    let on_role = {
        let (team, f) = (team.dispatcher(), f.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(role) = Role::parse(&v) {
                team.dispatch(TeamAction::EditAdd(AddForm { role, ..f.clone() }));
            }
        })
    };
    let generate = {
        let (team, f) = (team.dispatcher(), f.clone());
        Callback::from(move |_: MouseEvent| {
            team.dispatch(TeamAction::EditAdd(AddForm { password: generated_password(), ..f.clone() }));
        })
    };
    let onsubmit = {
        let team = team.dispatcher();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            team.dispatch(TeamAction::SubmitAdd);
        })
    };
    let role_err = err(Spot::Add("role"));
    let (rd, ri) = aria("team-add-role", role_err.as_deref());
    html! {
        <form class="team-form" id="team-add-form" {onsubmit} novalidate=true aria-labelledby="team-add-title">
            <h3 id="team-add-title">{ s.add_agent }</h3>
            { field("email", s.email, "email", &f.email, |f, v| f.email = v) }
            { field("name", s.name, "text", &f.name, |f, v| f.name = v) }
            <div class="field">
                <label for="team-add-role">{ s.role }</label>
                <select id="team-add-role" onchange={on_role} aria-describedby={rd} aria-invalid={ri}>
                    { for team::grantable(my_role).iter().map(|r| html! {
                        <option value={r.as_str()} selected={*r == f.role}>{ role_name(s, *r) }</option>
                    }) }
                </select>
                { error_line("team-add-role", role_err.as_deref()) }
            </div>
            { field("password", s.initial_password, "text", &f.password, |f, v| f.password = v) }
            <div class="actions">
                <button type="button" onclick={generate}>{ s.generate }</button>
                <button type="submit" class="primary" disabled={busy}>{ if busy { s.working } else { s.create } }</button>
            </div>
        </form>
    }
}

fn invite_form(
    s: &'static DeskStrings,
    team: &UseReducerHandle<Team>,
    f: &InviteForm,
    my_role: Role,
    busy: bool,
    err: &dyn Fn(Spot) -> Option<String>,
) -> Html {
    let edit = |change: fn(&mut InviteForm, String)| {
        let (team, f) = (team.dispatcher(), f.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = f.clone();
            change(&mut next, value(&e));
            team.dispatch(TeamAction::EditInvite(next));
        })
    };
    let field =
        |key: &'static str, label: &'static str, kind: &'static str, v: &str, change: fn(&mut InviteForm, String)| {
            let id = format!("team-invite-{key}");
            let e = err(Spot::Invite(key));
            let (d, i) = aria(&id, e.as_deref());
            html! {
                <div class="field">
                    <label for={id.clone()}>{ label }</label>
                    <input id={id.clone()} type={kind} value={v.to_owned()} oninput={edit(change)}
                        aria-describedby={d} aria-invalid={i} spellcheck="false" />
                    { error_line(&id, e.as_deref()) }
                </div>
            }
        };
    let on_role = {
        let (team, f) = (team.dispatcher(), f.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(role) = Role::parse(&v) {
                team.dispatch(TeamAction::EditInvite(InviteForm { role, ..f.clone() }));
            }
        })
    };
    let onsubmit = {
        let team = team.dispatcher();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            team.dispatch(TeamAction::SubmitInvite);
        })
    };
    let role_err = err(Spot::Invite("role"));
    let (rd, ri) = aria("team-invite-role", role_err.as_deref());
    html! {
        <form class="team-form" id="team-invite-form" {onsubmit} novalidate=true aria-labelledby="team-invite-title">
            <h3 id="team-invite-title">{ s.invite_title }</h3>
            <p class="who">{ s.invite_hint }</p>
            { field("email", s.email, "email", &f.email, |f, v| f.email = v) }
            { field("name", s.name, "text", &f.name, |f, v| f.name = v) }
            <div class="field">
                <label for="team-invite-role">{ s.role }</label>
                <select id="team-invite-role" onchange={on_role} aria-describedby={rd} aria-invalid={ri}>
                    { for team::grantable(my_role).iter().map(|r| html! {
                        <option value={r.as_str()} selected={*r == f.role}>{ role_name(s, *r) }</option>
                    }) }
                </select>
                { error_line("team-invite-role", role_err.as_deref()) }
            </div>
            <div class="actions">
                <button type="submit" class="primary" disabled={busy}>
                    { if busy { s.working } else { s.send_invite } }
                </button>
            </div>
        </form>
    }
}

/// The invitation link just made, in full (this page's origin and the
/// relay's relative link), with its expiry and a copy button: shown once.
fn invited_box(s: &'static DeskStrings, team: &UseReducerHandle<Team>, invited: &Invitation) -> Html {
    let origin = dom::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    let link = format!("{origin}{}", invited.url);
    let expires = format::date_time(invited.expires_at, dom::tz_offset_min());
    let copy = {
        let link = link.clone();
        Callback::from(move |e: MouseEvent| {
            if copy_text(&link)
                && let Some(b) = e.target_dyn_into::<web_sys::HtmlElement>()
            {
                b.set_text_content(Some(s.copied));
            }
        })
    };
    let done = {
        let team = team.dispatcher();
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::DismissInvited))
    };
    html! {
        <div class="shown-password" role="status">
            <p><strong>{ s.invited_title }</strong>{ " " }{ fill(s.invited_hint, &[&expires]) }</p>
            <p>
                <code id="invite-link">{ link }</code>{ " " }
                <button type="button" id="copy-invite" onclick={copy}>{ s.copy_link }</button>{ " " }
                <button type="button" onclick={done}>{ s.done }</button>
            </p>
        </div>
    }
}

fn shown_box(s: &'static DeskStrings, team: &UseReducerHandle<Team>, name: &str, password: &str) -> Html {
    let copy = {
        let password = password.to_owned();
        Callback::from(move |e: MouseEvent| {
            if copy_text(&password)
                && let Some(b) = e.target_dyn_into::<web_sys::HtmlElement>()
            {
                b.set_text_content(Some(s.copied));
            }
        })
    };
    let done = {
        let team = team.dispatcher();
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::DismissShown))
    };
    html! {
        <div class="shown-password" role="status">
            <p><strong>{ fill(s.shown_title, &[name]) }</strong>{ " " }{ s.shown_hint }</p>
            <p>
                <code id="shown-password">{ password.to_owned() }</code>{ " " }
                <button type="button" id="copy-password" onclick={copy}>{ s.copy }</button>{ " " }
                <button type="button" onclick={done}>{ s.done }</button>
            </p>
        </div>
    }
}

fn confirm(s: &'static DeskStrings, team: &UseReducerHandle<Team>, id: AgentId, active: bool) -> Html {
    let name = team.0.sorted().into_iter().find(|a| a.agent.id == id).map(|a| a.agent.name.clone()).unwrap_or_default();
    let cancel = {
        let team = team.dispatcher();
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::CancelActive))
    };
    let ok = {
        let team = team.dispatcher();
        Callback::from(move |_: MouseEvent| team.dispatch(TeamAction::ConfirmActive))
    };
    let onkeydown = {
        let team = team.dispatcher();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                team.dispatch(TeamAction::CancelActive);
            }
        })
    };
    let question = fill(if active { s.reactivate_q } else { s.deactivate_q }, &[&name]);
    html! {
        <div {onkeydown}>
            <Modal id="team-confirm" title={ s.confirm_title }>
                <p>{ question }</p>
                <div class="actions">
                    <button type="button" onclick={cancel}>{ s.cancel }</button>
                    <button type="button" class={if active { "primary" } else { "danger" }} onclick={ok}>
                        { if active { s.reactivate } else { s.deactivate } }
                    </button>
                </div>
            </Modal>
        </div>
    }
}
