//! The store as Yew's `Reducible`: the pure [`Store::apply`] computes the next
//! state and its effects, which go to the runtime to be carried out.

use std::rc::Rc;

use yew::Reducible;

use super::runtime;
use crate::state::{Action, Store};

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let effects = next.apply(action);
        runtime::schedule(effects, next.tenant.clone());
        // Most actions (the one-second clock tick above all) change nothing: handing
        // back the same Rc tells `use_reducer` not to re-render the whole widget.
        if next == *self { self } else { Rc::new(next) }
    }
}
