//! Native unit tests of canned responses: the fuzzy matcher and the picker's
//! order, the `/query` at the caret, keyboard moves, rendering with fallbacks,
//! insertion at the caret, quick replies going with the next message, and the
//! management screen's refusals and CSV import rows.

use natter_protocol::{
    AgentFrame, AgentInfo, CannedId, CannedResponse, CannedScope, ConversationId, LoginResponse, Role, TenantId,
    ToAgent, UnixMillis,
};

use super::text::{
    MatchKind, Piece, Values, byte_to_utf16, fuzzy_match, import_row, insert, preview, rendered, search, slash_query,
    utf16_to_byte,
};
use super::*;
use crate::state::{Action, Effect, Store, View};

const C1: ConversationId = ConversationId(7);

fn response(id: u64, shortcut: &str, text: &str, uses: u64) -> CannedResponse {
    CannedResponse {
        id: CannedId(id),
        scope: CannedScope::Shared,
        shortcut: shortcut.into(),
        category: Some("General".into()),
        text: text.into(),
        quick_replies: Vec::new(),
        uses,
        updated_at: UnixMillis(0),
    }
}

fn seeded() -> Vec<CannedResponse> {
    vec![
        response(1, "order-status", "Let me check your order. Could you send me your order number?", 9),
        response(2, "th-hello", "สวัสดีค่ะ คุณ{{visitor.name|ลูกค้า}}", 1),
        response(3, "hello", "Hi {{visitor.name|there}}, this is {{agent.name}} from {{shop.name}}.", 0),
        response(4, "hold-on", "Thanks for waiting, {{visitor.name|}}! I will help you now.", 5),
        response(5, "returns", "You can return any item within 30 days.", 3),
    ]
}

/// A signed-in, welcomed store with conversation C1 assigned to "Me", whose visitor is `visitor`.
fn store(visitor: serde_json::Value, role: Role) -> Store {
    let mut s = Store::default();
    let me = AgentInfo { id: natter_protocol::AgentId(1), name: "Me".into(), email: "me@shop.test".into(), role };
    s.apply(Action::SignedIn {
        now: UnixMillis(1_000),
        tenant: TenantId::parse("demo").expect("tenant"),
        response: LoginResponse {
            token: "tok".into(),
            agent: me.clone(),
            expires_at: UnixMillis(10_000_000),
            idle_timeout_secs: 1800,
        },
        drafts: Default::default(),
        outbox: Default::default(),
    });
    let summary = serde_json::from_value(serde_json::json!({
        "id": C1.0, "status": "active", "visitor_id": "AAAAAAAAAAAAAAAAAAAAAA", "visitor": visitor,
        "assignee": { "id": 1, "name": "Me" }, "created_at": 1, "last_seq": 0,
        "visitor_read_seq": 0, "agent_read_seq": 0,
    }))
    .expect("summary");
    s.apply(Action::Frame {
        now: UnixMillis(1_000),
        frame: ToAgent::AgentWelcome { v: 1, agent: me, agents: Vec::new(), conversations: vec![summary] },
    });
    s.apply(Action::Open(C1));
    s
}

fn loaded(s: &mut Store, list: Vec<CannedResponse>) {
    s.apply(Action::Canned(CannedAction::Loaded { list: Ok(list), shop_name: Some("Demo Shop".into()) }));
}

/// Types `text` into C1's composer with the caret at its end.
fn type_in(s: &mut Store, text: &str) -> Vec<Effect> {
    let mut fx = s.apply(Action::DraftChanged { id: C1, text: text.into(), now: UnixMillis(2_000) });
    let caret = byte_to_utf16(text, text.len());
    fx.extend(s.apply(Action::Canned(CannedAction::Typed { id: C1, text: text.into(), caret })));
    fx
}

fn hits(s: &Store) -> Vec<&str> {
    let p = s.canned.picker.as_ref().expect("picker open");
    p.hits.iter().map(|&id| s.canned.get(id).expect("listed").shortcut.as_str()).collect()
}

fn calls(fx: &[Effect]) -> Vec<&CannedCall> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Canned { call, .. } => Some(call),
            _ => None,
        })
        .collect()
}

#[test]
fn fuzzy_matching_ranks_exact_prefix_word_start_inside_then_scattered() {
    assert_eq!(fuzzy_match("hello", "Hello", true), Some(MatchKind::Exact));
    assert_eq!(fuzzy_match("hel", "hello", true), Some(MatchKind::Prefix));
    assert_eq!(fuzzy_match("hel", "th-hello", true), Some(MatchKind::WordStart));
    assert_eq!(fuzzy_match("ell", "th-hello", true), Some(MatchKind::Inside));
    assert_eq!(fuzzy_match("ost", "order-status", true), Some(MatchKind::Scattered));
    assert_eq!(fuzzy_match("xyz", "order-status", true), None);
    // In a text, scattered letters count only when each run starts a word.
    assert_eq!(fuzzy_match("chor", "Let me check your order", false), Some(MatchKind::Scattered));
    assert_eq!(fuzzy_match("lmc", "Let me check", false), Some(MatchKind::Scattered));
    assert_eq!(fuzzy_match("ecyo", "Let me check your order", false), None);
    // Thai: whole-word and inside matches work on characters, not bytes.
    assert_eq!(fuzzy_match("สวัส", "สวัสดีค่ะ", false), Some(MatchKind::Prefix));
    assert_eq!(fuzzy_match("ดีค่ะ", "สวัสดีค่ะ", false), Some(MatchKind::Inside));
    assert!(MatchKind::Exact > MatchKind::Prefix && MatchKind::Inside > MatchKind::Scattered);
}

#[test]
fn the_picker_orders_by_match_then_by_uses() {
    let list = seeded();
    let order = |q: &str| search(&list, q, 50).into_iter().map(|i| list[i].shortcut.as_str()).collect::<Vec<_>>();
    // "hello" starts with it; "th-hello" has it at a word start; "hold-on"'s text
    // has "help" (a text match ranks below any shortcut match).
    assert_eq!(order("hel"), ["hello", "th-hello", "hold-on"]);
    // No query: everything, most used first.
    assert_eq!(order(""), ["order-status", "hold-on", "returns", "th-hello", "hello"]);
    // Two equal matches: the more used first.
    let mut twins = vec![response(1, "ship-a", "x", 1), response(2, "ship-b", "x", 7)];
    twins.push(response(3, "zz", "ships today", 99));
    let order = search(&twins, "ship", 50).into_iter().map(|i| twins[i].shortcut.as_str()).collect::<Vec<_>>();
    assert_eq!(order, ["ship-b", "ship-a", "zz"]);
    assert_eq!(search(&twins, "ship", 1).len(), 1, "capped");
}

#[test]
fn a_slash_opens_the_query_only_at_the_start_or_after_whitespace() {
    assert_eq!(slash_query("/hel", 4), Some((0, "hel")));
    assert_eq!(slash_query("Thanks! /ret", 12), Some((8, "ret")));
    assert_eq!(slash_query("a\n/", 3), Some((2, "")));
    assert_eq!(slash_query("and/or", 6), None, "inside a word");
    assert_eq!(slash_query("see https://x.test/a", 20), None, "a link");
    assert_eq!(slash_query("/hel lo", 7), None, "a space ends the query");
    assert_eq!(slash_query("/hel lo", 4), Some((0, "hel")), "the caret decides");
    assert_eq!(slash_query("คุณ /สวั", "คุณ /สวั".len()), Some(("คุณ ".len(), "สวั")));
    assert_eq!(slash_query("/x", 9), None, "a caret past the end");
}

#[test]
fn caret_offsets_convert_between_utf16_and_bytes() {
    let text = "a😀ก/b";
    assert_eq!(utf16_to_byte(text, 0), 0);
    assert_eq!(utf16_to_byte(text, 1), 1);
    assert_eq!(utf16_to_byte(text, 3), 5, "the emoji is two UTF-16 units, four bytes");
    assert_eq!(utf16_to_byte(text, 4), 8, "Thai ก is one unit, three bytes");
    assert_eq!(utf16_to_byte(text, 99), text.len());
    for at in [0, 1, 5, 8, 9, 10] {
        assert_eq!(utf16_to_byte(text, byte_to_utf16(text, at)), at);
    }
}

#[test]
fn insertion_replaces_the_query_and_puts_the_caret_after_it() {
    assert_eq!(insert("Hi /hel!", 3, 7, "Hello there"), Some(("Hi Hello there!".to_owned(), 14)));
    assert_eq!(insert("/x", 0, 2, "ok"), Some(("ok".to_owned(), 2)));
    assert_eq!(insert("ก", 1, 2, "x"), None, "not inside a character");
}

#[test]
fn variables_render_with_values_else_fallbacks_and_the_preview_says_which() {
    let values = Values {
        visitor_name: Some("  ".into()),
        visitor_email: Some("ann@x.test".into()),
        agent_name: Some("Me".into()),
        shop_name: None,
        conversation_id: Some("7".into()),
    };
    let text = "Hi {{visitor.name|there}} ({{visitor.email}}), {{agent.name}} of {{shop.name}} #{{conversation.id}}";
    let pieces = preview(text, &values);
    assert_eq!(rendered(&pieces), "Hi there (ann@x.test), Me of  #7");
    assert_eq!(rendered(&pieces), render_canned(text, |n| values.get(n)));
    assert!(pieces.contains(&Piece::Fallback { name: "visitor.name".into(), fallback: "there".into() }));
    assert!(pieces.contains(&Piece::Missing { name: "shop.name".into() }));
    assert!(pieces.contains(&Piece::Value { name: "agent.name".into(), value: "Me".into() }));
}

#[test]
fn typing_a_slash_loads_the_list_once_and_opens_the_picker() {
    let mut s = store(serde_json::json!({ "name": "Nok" }), Role::Agent);
    let fx = type_in(&mut s, "/");
    assert_eq!(calls(&fx), [&CannedCall::Load { tenant: TenantId::parse("demo").unwrap() }]);
    assert!(calls(&type_in(&mut s, "/h")).is_empty(), "already loading");
    loaded(&mut s, seeded());
    type_in(&mut s, "/hel");
    assert_eq!(hits(&s), ["hello", "th-hello", "hold-on"]);
    assert_eq!(s.canned.picker_of(C1).map(|p| p.active), Some(0));
    type_in(&mut s, "/hel ");
    assert!(s.canned.picker.is_none(), "a space closes it");
}

#[test]
fn keyboard_moves_wrap_and_escape_keeps_it_closed_for_that_slash() {
    let mut s = store(serde_json::json!({ "name": "Nok" }), Role::Agent);
    loaded(&mut s, seeded());
    type_in(&mut s, "/hel");
    let active = |s: &Store| s.canned.picker.as_ref().map(|p| p.active);
    s.apply(Action::Canned(CannedAction::Move(1)));
    assert_eq!(active(&s), Some(1));
    s.apply(Action::Canned(CannedAction::Move(1)));
    s.apply(Action::Canned(CannedAction::Move(1)));
    assert_eq!(active(&s), Some(0), "down from the last wraps to the first");
    s.apply(Action::Canned(CannedAction::Move(-1)));
    assert_eq!(active(&s), Some(2), "up from the first wraps to the last");
    type_in(&mut s, "/hel");
    assert_eq!(active(&s), Some(2), "the same query keeps the highlight");
    s.apply(Action::Canned(CannedAction::Close));
    type_in(&mut s, "/hell");
    assert!(s.canned.picker.is_none(), "Escape closed this slash");
    type_in(&mut s, "/hell /");
    assert!(s.canned.picker.is_some(), "a new slash opens it again");
}

#[test]
fn enter_inserts_the_rendered_text_at_the_caret_and_counts_the_use() {
    let mut s = store(serde_json::json!({ "name": "Nok" }), Role::Agent);
    loaded(&mut s, seeded());
    // The caret sits after "/hel", before the rest of the draft.
    let text = "Well /hel and more";
    s.apply(Action::DraftChanged { id: C1, text: text.into(), now: UnixMillis(2_000) });
    s.apply(Action::Canned(CannedAction::Typed { id: C1, text: text.into(), caret: 9 }));
    let fx = s.apply(Action::Canned(CannedAction::Pick(None)));
    let want = "Well Hi Nok, this is Me from Demo Shop. and more";
    assert_eq!(s.draft(C1), want);
    let caret = s.canned.caret.expect("caret placed");
    assert_eq!(caret.at, byte_to_utf16(want, "Well Hi Nok, this is Me from Demo Shop.".len()));
    assert!(s.canned.picker.is_none());
    assert_eq!(calls(&fx), [&CannedCall::Used(CannedId(3))]);
    assert!(fx.iter().any(|e| matches!(e, Effect::SaveDrafts { .. })), "the draft is kept");
    assert_eq!(s.canned.get(CannedId(3)).map(|r| r.uses), Some(1));
}

#[test]
fn unknown_values_fall_back_when_inserted() {
    let mut s = store(serde_json::json!({}), Role::Agent);
    s.apply(Action::Canned(CannedAction::Loaded { list: Ok(seeded()), shop_name: None }));
    type_in(&mut s, "/th-h");
    s.apply(Action::Canned(CannedAction::Pick(None)));
    assert_eq!(s.draft(C1), "สวัสดีค่ะ คุณลูกค้า");
    let caret = s.canned.caret.expect("caret");
    assert_eq!(caret.at, byte_to_utf16(s.draft(C1), s.draft(C1).len()));
}

#[test]
fn a_stale_picker_inserts_nothing() {
    let mut s = store(serde_json::json!({ "name": "Nok" }), Role::Agent);
    loaded(&mut s, seeded());
    type_in(&mut s, "/hel");
    s.apply(Action::DraftChanged { id: C1, text: "something else".into(), now: UnixMillis(3_000) });
    let fx = s.apply(Action::Canned(CannedAction::Pick(None)));
    assert_eq!(s.draft(C1), "something else");
    assert!(calls(&fx).is_empty());
}

#[test]
fn quick_replies_wait_as_chips_and_go_with_the_next_message_only() {
    let mut s = store(serde_json::json!({ "name": "Nok" }), Role::Agent);
    let mut list = seeded();
    list[4].quick_replies = vec!["Yes, please".into(), "No, thanks".into(), "Later".into()];
    loaded(&mut s, list);
    type_in(&mut s, "/returns");
    s.apply(Action::Canned(CannedAction::Pick(None)));
    assert_eq!(s.canned.quick_of(C1), ["Yes, please", "No, thanks", "Later"]);
    s.apply(Action::Canned(CannedAction::RemoveQuick { id: C1, index: 2 }));
    assert_eq!(s.canned.quick_of(C1), ["Yes, please", "No, thanks"]);
    s.apply(Action::Send {
        id: C1,
        client_id: natter_protocol::ClientMsgId::parse("m-1").unwrap(),
        now: UnixMillis(3_000),
    });
    let pending = s.outbox.items.iter().find(|p| p.conversation_id == C1).expect("queued");
    assert_eq!(pending.quick_replies, ["Yes, please", "No, thanks"]);
    assert!(s.canned.quick_of(C1).is_empty(), "the chips went with it");
}

#[test]
fn plain_agents_change_their_own_only_and_refusals_name_the_field() {
    let mut s = store(serde_json::json!({}), Role::Agent);
    assert!(s.may_change(CannedScope::Personal) && !s.may_change(CannedScope::Shared));
    let fx = s.apply(Action::ShowView(View::Canned));
    assert_eq!(s.view, View::Canned, "every agent has the screen");
    assert_eq!(calls(&fx).len(), 1, "loaded when shown");
    s.apply(Action::Canned(CannedAction::New));
    for (field, value) in [
        (FormField::Shortcut, "sizes"),
        (FormField::Text, "We have {{visitor.name|}} S to XL"),
        (FormField::QuickReplies, "S\n\n M \nL"),
    ] {
        s.apply(Action::Canned(CannedAction::SetField(field, value.into())));
    }
    let fx = s.apply(Action::Canned(CannedAction::Save));
    let [CannedCall::Save { id: None, draft }] = calls(&fx)[..] else { panic!("one save: {fx:?}") };
    assert_eq!((draft.scope, draft.category.as_deref()), (CannedScope::Personal, None));
    assert_eq!(draft.quick_replies, ["S", "M", "L"]);
    assert!(calls(&s.apply(Action::Canned(CannedAction::Save))).is_empty(), "one save at a time");
    let refusal = Refusal { field: Some("shortcut".into()), message: "taken".into() };
    s.apply(Action::Canned(CannedAction::Saved(Err(refusal.clone()))));
    assert_eq!(s.canned.error, Some(refusal));
    assert!(s.canned.form.is_some(), "the form stays for a fix");
    let mut saved = response(9, "sizes", "We have S to XL", 0);
    saved.scope = CannedScope::Personal;
    s.apply(Action::Canned(CannedAction::Saved(Ok(saved))));
    assert!(s.canned.form.is_none() && s.canned.get(CannedId(9)).is_some());
    let fx = s.apply(Action::Canned(CannedAction::Delete(CannedId(9))));
    assert_eq!(calls(&fx), [&CannedCall::Delete(CannedId(9))]);
    s.apply(Action::Canned(CannedAction::Deleted(Ok(CannedId(9)))));
    assert!(s.canned.get(CannedId(9)).is_none());
}

#[test]
fn a_refused_import_names_its_row_and_a_good_one_reloads() {
    assert_eq!(import_row(Some("row 3: shortcut"), "1 to 32 of a-z"), (Some(3), "1 to 32 of a-z".to_owned()));
    assert_eq!(import_row(Some("row 4"), "row 4: not valid CSV"), (Some(4), "not valid CSV".to_owned()));
    assert_eq!(import_row(None, "too many"), (None, "too many".to_owned()));
    let mut s = store(serde_json::json!({}), Role::Owner);
    assert!(s.may_change(CannedScope::Shared));
    let fx =
        s.apply(Action::Canned(CannedAction::Import { scope: CannedScope::Shared, csv: "shortcut,text\n".into() }));
    assert!(matches!(calls(&fx)[..], [CannedCall::Import { scope: CannedScope::Shared, .. }]));
    assert_eq!(s.canned.import, ImportStatus::Busy);
    let refusal = Refusal { field: Some("row 3: shortcut".into()), message: "1 to 32 of a-z".into() };
    s.apply(Action::Canned(CannedAction::Imported(Err(refusal))));
    assert_eq!(s.canned.import, ImportStatus::Failed { row: Some(3), message: "1 to 32 of a-z".into() });
    let fx = s.apply(Action::Canned(CannedAction::Imported(Ok(2))));
    assert_eq!(s.canned.import, ImportStatus::Done(2));
    assert!(matches!(calls(&fx)[..], [CannedCall::Load { .. }]));
}

#[test]
fn a_failed_message_taken_back_brings_its_quick_replies_back() {
    let mut s = store(serde_json::json!({}), Role::Agent);
    let mut list = seeded();
    list[4].quick_replies = vec!["Yes".into()];
    loaded(&mut s, list);
    type_in(&mut s, "/returns");
    s.apply(Action::Canned(CannedAction::Pick(None)));
    let client_id = natter_protocol::ClientMsgId::parse("m-2").unwrap();
    let fx = s.apply(Action::Send { id: C1, client_id: client_id.clone(), now: UnixMillis(3_000) });
    assert!(fx.iter().any(|e| matches!(e, Effect::Send(AgentFrame::Send { .. }))));
    s.apply(Action::Frame {
        now: UnixMillis(3_100),
        frame: ToAgent::Error(natter_protocol::ErrorFrame {
            code: natter_protocol::ErrorCode::InvalidInput,
            message: "no".into(),
            client_id: Some(client_id.clone()),
            conversation_id: Some(C1),
            fatal: false,
        }),
    });
    s.apply(Action::EditFailed(client_id));
    assert_eq!(s.canned.quick_of(C1), ["Yes"]);
}

#[test]
fn a_picker_opening_on_an_old_list_asks_again() {
    let mut s = store(serde_json::json!({}), Role::Agent);
    loaded(&mut s, seeded());
    type_in(&mut s, "/h");
    assert!(calls(&type_in(&mut s, "/he")).is_empty(), "a fresh list");
    s.apply(Action::Canned(CannedAction::Blur));
    s.apply(Action::Tick { now: UnixMillis(1_000 + RELOAD_AFTER_MS) });
    assert!(matches!(calls(&type_in(&mut s, "/he"))[..], [CannedCall::Load { .. }]));
    assert!(s.canned.picker.is_some(), "the old list serves meanwhile");
}
