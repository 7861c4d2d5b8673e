//! The team screen's pending invitations (owners and admins): email, role, who
//! invited, expiry, and "Withdraw"; reloaded whenever `refresh` changes (a new
//! invitation was just made).

use natter_protocol::{AgentId, PendingInvitation};
use yew::prelude::*;

use super::local::use_screen;
use super::use_store;
use crate::format;
use crate::i18n::desk::role_name;
use crate::i18n::{WorkspaceStrings, fill};
use crate::state::invitations::{InvitationsAction, InvitationsState};
use crate::web::{dom, workspace_api};

#[derive(Debug, Properties, PartialEq)]
pub struct PendingProps {
    /// Changes when the list must be fetched again.
    pub refresh: i64,
    /// Names of the team's accounts, for "invited by".
    pub names: Vec<(AgentId, String)>,
}

/// One invitation: who, as what, invited by whom, until when; and "Withdraw".
struct Row<'a> {
    invitation: &'a PendingInvitation,
    role: &'static str,
    inviter: String,
}

fn row(w: &'static WorkspaceStrings, r: Row<'_>, busy: bool, withdraw: Callback<String>) -> Html {
    let i = r.invitation;
    let email = i.email.clone();
    let onclick = Callback::from(move |_: MouseEvent| withdraw.emit(email.clone()));
    let expires = format::date_time(i.expires_at, dom::tz_offset_min());
    html! {
        <tr key={i.email.clone()} data-invitation={i.email.clone()}>
            <th scope="row">{ i.email.clone() }<br /><span class="who">{ i.name.clone() }</span></th>
            <td>{ r.role }</td>
            <td>{ r.inviter }</td>
            <td>{ expires }</td>
            <td>
                <button type="button" class="danger" {onclick} disabled={busy}
                    aria-label={fill(w.withdraw_of, &[&i.email])}>{ w.withdraw }</button>
            </td>
        </tr>
    }
}

#[component]
pub fn PendingInvitations(p: &PendingProps) -> Html {
    let store = use_store();
    let w = store.settings.locale.workspace_strings();
    let desk = store.settings.locale.strings().desk;
    let token = store.session.as_ref().map(|x| x.token.clone()).unwrap_or_default();
    let list = use_screen::<InvitationsState, _, _>(token, workspace_api::invitations_command);
    {
        let list = list.dispatcher();
        use_effect_with(p.refresh, move |_| list.dispatch(InvitationsAction::Reload));
    }
    let withdraw = {
        let list = list.dispatcher();
        Callback::from(move |email: String| list.dispatch(InvitationsAction::Withdraw(email)))
    };
    let l = &list.0;
    let name_of =
        |id: AgentId| p.names.iter().find(|(a, _)| *a == id).map_or_else(|| id.to_string(), |(_, n)| n.clone());
    let body = match &l.list {
        None => html! { <p role="status">{ w.loading }</p> },
        Some(Err(m)) => html! { <p class="msg error" role="alert">{ fill(w.load_failed, &[m]) }</p> },
        Some(Ok(items)) if items.is_empty() => html! { <p class="who" id="pending-none">{ w.pending_none }</p> },
        Some(Ok(items)) => html! {
            <table class="agents team-table" id="pending-invitations">
                <thead><tr>
                    <th scope="col">{ w.t_email }</th><th scope="col">{ w.t_role }</th>
                    <th scope="col">{ w.t_invited_by }</th><th scope="col">{ w.t_expires }</th>
                    <th scope="col">{ w.t_action }</th>
                </tr></thead>
                <tbody>
                    { for items.iter().map(|i| {
                        let r = Row { invitation: i, role: role_name(desk, i.role), inviter: name_of(i.invited_by) };
                        row(w, r, l.busy, withdraw.clone())
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <div class="pending-invitations">
            <h3 id="pending-title">{ w.pending_title }</h3>
            { body }
            <div role="status" aria-live="polite">
                if let Some(e) = &l.withdrawn { <p class="ok" id="pending-withdrawn">{ fill(w.withdrawn, &[e]) }</p> }
            </div>
            if let Some(e) = &l.error { <p class="msg error" role="alert">{ e.clone() }</p> }
        </div>
    }
}
