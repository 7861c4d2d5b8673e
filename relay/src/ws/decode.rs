//! Decoding client frames into protocol types, with errors a client can act on:
//! malformed JSON, an unknown `type`, or a known type with a bad field (naming
//! the frame's `client_id` and `conversation_id` when it has valid ones).

use natter_protocol::{ClientMsgId, ConversationId, ErrorCode, ErrorFrame};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes one text frame; `known_types` tells "unknown frame" from "bad field".
pub fn decode<T: DeserializeOwned>(text: &str, known_types: &[&str]) -> Result<T, ErrorFrame> {
    let err = match serde_json::from_str::<T>(text) {
        Ok(frame) => return Ok(frame),
        Err(e) => e,
    };
    if err.is_syntax() || err.is_eof() {
        return Err(ErrorFrame::new(ErrorCode::BadJson, format!("not valid JSON: {err}")));
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Err(ErrorFrame::new(ErrorCode::BadJson, format!("not valid JSON: {e}"))),
    };
    match value.get("type").and_then(|t| t.as_str()) {
        None => Err(ErrorFrame::new(ErrorCode::InvalidInput, "a frame must be a JSON object with a string \"type\"")),
        Some(t) if !known_types.contains(&t) => {
            Err(ErrorFrame::new(ErrorCode::UnknownFrame, format!("unknown frame type {:?}", clip(t))))
        }
        Some(t) => {
            let (client_id, conversation_id) = about_value(&value);
            Err(ErrorFrame::new(ErrorCode::InvalidInput, format!("bad {t:?} frame: {err}"))
                .about(client_id.as_ref(), conversation_id))
        }
    }
}

/// The two fields a refusal names, read leniently: anything else in the frame
/// is skipped unread, and a field that is not valid is left out.
#[derive(Deserialize)]
struct About {
    #[serde(default)]
    client_id: Option<Value>,
    #[serde(default)]
    conversation_id: Option<Value>,
}

/// The valid `client_id` and `conversation_id` of a frame's text, if it is a
/// JSON object that has them; for refusals of frames that are not decoded
/// (rate limited, too large).
pub fn about(text: &str) -> (Option<ClientMsgId>, Option<ConversationId>) {
    match serde_json::from_str::<About>(text) {
        Ok(About { client_id, conversation_id }) => valid(client_id.as_ref(), conversation_id.as_ref()),
        Err(_) => (None, None),
    }
}

fn about_value(value: &Value) -> (Option<ClientMsgId>, Option<ConversationId>) {
    valid(value.get("client_id"), value.get("conversation_id"))
}

fn valid(client_id: Option<&Value>, conversation_id: Option<&Value>) -> (Option<ClientMsgId>, Option<ConversationId>) {
    (
        client_id.and_then(Value::as_str).and_then(|s| ClientMsgId::parse(s).ok()),
        conversation_id.and_then(Value::as_u64).and_then(|n| ConversationId::try_from(n).ok()),
    )
}

fn clip(s: &str) -> &str {
    let mut end = s.len().min(64);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use natter_protocol::{AGENT_FRAME_TYPES, AgentFrame, VISITOR_FRAME_TYPES, VisitorFrame};
    use proptest::prelude::*;

    use super::*;

    fn code_of(r: Result<VisitorFrame, ErrorFrame>) -> ErrorCode {
        match r {
            Err(ErrorFrame { code, .. }) => code,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn classifies_bad_frames() {
        let d = |s: &str| code_of(decode::<VisitorFrame>(s, VISITOR_FRAME_TYPES));
        assert_eq!(d("{not json"), ErrorCode::BadJson);
        assert_eq!(d(""), ErrorCode::BadJson);
        assert_eq!(d(r#"{"type":"launch_missiles"}"#), ErrorCode::UnknownFrame);
        assert_eq!(d(r#"{"type":"send","text":"no client id"}"#), ErrorCode::InvalidInput);
        assert_eq!(d(r#"{"type":"send","client_id":"bad id!","text":"x"}"#), ErrorCode::InvalidInput);
        assert_eq!(d(r#"[1,2]"#), ErrorCode::InvalidInput);
        assert_eq!(d(r#"{"type":7}"#), ErrorCode::InvalidInput);
    }

    #[test]
    fn refusals_name_the_frames_ids() {
        let e = decode::<AgentFrame>(
            r#"{"type":"send","conversation_id":4,"client_id":"a-1","text":7}"#,
            AGENT_FRAME_TYPES,
        )
        .unwrap_err();
        assert_eq!(
            (e.client_id, e.conversation_id),
            (Some(ClientMsgId::parse("a-1").unwrap()), Some(ConversationId(4)))
        );
        let e = decode::<AgentFrame>(r#"{"type":"claim","conversation_id":9223372036854775808}"#, AGENT_FRAME_TYPES)
            .unwrap_err();
        assert_eq!((e.code, e.conversation_id), (ErrorCode::InvalidInput, None));
        assert_eq!(
            about(r#"{"type":"send","client_id":"m-2","text":"x"}"#).0,
            Some(ClientMsgId::parse("m-2").unwrap())
        );
        assert_eq!(about(r#"{"type":"send","client_id":"bad id","conversation_id":-1}"#), (None, None));
        assert_eq!(about("not json"), (None, None));
    }

    #[test]
    fn decodes_good_frames() {
        let f: AgentFrame = decode(r#"{"type":"claim","conversation_id":3}"#, AGENT_FRAME_TYPES).unwrap();
        assert_eq!(f, AgentFrame::Claim { conversation_id: ConversationId(3) });
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever arrives, decoding returns a frame or a typed error; it never panics.
        #[test]
        fn never_panics_on_arbitrary_text(s in ".{0,300}") {
            let _ = decode::<VisitorFrame>(&s, VISITOR_FRAME_TYPES);
            let _ = decode::<AgentFrame>(&s, AGENT_FRAME_TYPES);
        }

        /// JSON-shaped input with random types and fields gets a typed error or a frame.
        #[test]
        fn json_shaped_input_is_classified(
            ty in prop_oneof![Just("send".to_string()), Just("hello".to_string()), Just("claim".to_string()), "[a-z_]{0,12}"],
            key in "[a-z_]{1,12}",
            val in prop_oneof![Just("1".to_string()), Just("\"x\"".to_string()), Just("null".to_string()), Just("{}".to_string()), Just("-5".to_string())],
        ) {
            let text = format!(r#"{{"type":"{ty}","{key}":{val},"v":1,"client_id":"a","text":"t","conversation_id":1}}"#);
            match decode::<AgentFrame>(&text, AGENT_FRAME_TYPES) {
                Ok(_) => {}
                Err(ErrorFrame { code, .. }) => prop_assert!(matches!(code, ErrorCode::UnknownFrame | ErrorCode::InvalidInput)),
            }
        }
    }
}
