//! The store as Yew's `Reducible`: the pure [`Store::apply`] computes the next
//! state and its effects, which go to the runtime to be carried out.

use std::rc::Rc;

use yew::Reducible;

use super::runtime;
use crate::state::{Action, Store};

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        let effects = next.apply(action);
        runtime::schedule(effects, &next);
        Rc::new(next)
    }
}
