//! A screen's pure state (from the kit) as a Yew reducer, and the hook that
//! runs the command it leaves once per command: the workspace screens each
//! keep their own state this way, outside the page's store.

use std::future::Future;
use std::rc::Rc;

use natter_console_kit::state::email::{EmailAction, EmailState};
use natter_console_kit::state::invitations::{InvitationsAction, InvitationsState};
use natter_console_kit::state::workspace::{IdentityAction, IdentityState, NameAction, NameState, Pending};
use yew::prelude::*;

/// State changed only by its actions.
pub trait Screen: Clone + PartialEq + Default + 'static {
    type Action: 'static;
    type Command: Clone + PartialEq + 'static;
    fn apply(&mut self, action: Self::Action);
    fn pending(&self) -> &Pending<Self::Command>;
}

macro_rules! screen {
    ($state:ty, $action:ty, $command:ty) => {
        impl Screen for $state {
            type Action = $action;
            type Command = $command;
            fn apply(&mut self, action: $action) {
                <$state>::apply(self, action)
            }
            fn pending(&self) -> &Pending<$command> {
                &self.pending
            }
        }
    };
}

screen!(NameState, NameAction, natter_console_kit::state::workspace::NameCommand);
screen!(IdentityState, IdentityAction, natter_console_kit::state::workspace::IdentityCommand);
screen!(InvitationsState, InvitationsAction, natter_console_kit::state::invitations::InvitationsCommand);
screen!(EmailState, EmailAction, natter_console_kit::state::email::EmailCommand);

/// A screen's state in a reducer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Local<S>(pub S);

impl<S: Screen> Reducible for Local<S> {
    type Action = S::Action;
    fn reduce(self: Rc<Self>, action: S::Action) -> Rc<Self> {
        let mut next = self.0.clone();
        next.apply(action);
        Rc::new(Local(next))
    }
}

/// The screen's reducer; each new command goes to `run` (with the session's
/// token) and its answer back to the reducer.
#[hook]
pub fn use_screen<S, F, Fut>(token: String, run: F) -> UseReducerHandle<Local<S>>
where
    S: Screen,
    F: Fn(String, S::Command) -> Fut + 'static,
    Fut: Future<Output = S::Action> + 'static,
{
    let screen = use_reducer(Local::<S>::default);
    let dispatch = screen.dispatcher();
    let command = screen.0.pending().command.clone();
    use_effect_with(screen.0.pending().seq, move |_| {
        if let Some(command) = command {
            let answer = run(token, command);
            wasm_bindgen_futures::spawn_local(async move { dispatch.dispatch(answer.await) });
        }
    });
    screen
}
