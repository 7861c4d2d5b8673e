//! Settings a shop owner can get wrong, through the real admin API and public
//! config: an unreadable custom text colour is refused with the field and the
//! ratio, the automatic text colour reaches the public config as black or white,
//! an older settings document keeps its own colour, and per-language texts are
//! validated and published.

mod common;

use common::TestRelay;
use serde_json::json;

async fn public_config(relay: &TestRelay) -> natter_protocol::PublicWidgetConfig {
    reqwest::get(relay.http("/v1/widget/acme/config")).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn text_colour_is_readable_on_the_main_colour_or_refused() {
    let relay = TestRelay::start().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    // A tenant that never saved settings uses the automatic text colour.
    assert!(relay.get_settings(&owner).await.widget.auto_text_color);

    let white_on_yellow =
        json!({"widget": {"primary_color": "#fde047", "secondary_color": "#ffffff", "auto_text_color": false}});
    let (status, answer) = relay.put_settings(&owner, &white_on_yellow).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_input");
    assert_eq!(answer["error"]["field"], "widget.secondary_color");
    assert!(answer["error"]["message"].as_str().unwrap().contains("1.3:1"), "{answer}");

    let automatic =
        json!({"widget": {"primary_color": "#fde047", "secondary_color": "#ffffff", "auto_text_color": true}});
    assert_eq!(relay.put_settings(&owner, &automatic).await.0, 200);
    let config = public_config(&relay).await;
    assert_eq!((config.primary_color.as_str(), config.secondary_color.as_str()), ("#fde047", "#000000"));

    // A `widget` object without the flag (an older client, an older stored
    // document) keeps its own readable colour.
    let own = json!({"widget": {"primary_color": "#000000", "secondary_color": "#fde047"}});
    assert_eq!(relay.put_settings(&owner, &own).await.0, 200);
    assert!(!relay.get_settings(&owner).await.widget.auto_text_color);
    assert_eq!(public_config(&relay).await.secondary_color, "#fde047");
}

#[tokio::test]
async fn texts_per_language_are_validated_and_published() {
    let relay = TestRelay::start().await;
    let owner = relay.login("acme", "ann@x.test").await.token;
    for (texts, field) in [
        (json!({"fr": {"header": "Bonjour"}}), "widget.texts.fr"),
        (json!({"th": {"header": "ก".repeat(61)}}), "widget.texts.th.header"),
        (json!({"en": {"greeting": "  "}}), "widget.texts.en.greeting"),
    ] {
        let (status, answer) = relay.put_settings(&owner, &json!({"widget": {"texts": texts}})).await;
        assert_eq!((status, answer["error"]["field"].as_str()), (422, Some(field)), "{answer}");
    }
    let (status, answer) = relay.put_settings(&owner, &json!({"widget": {"texts": {"th": {"title": "x"}}}})).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (422, Some("invalid_input")));

    let body = json!({"widget": {"header": "Chat with Acme", "texts": {"th": {"header": "แชทกับ Acme", "greeting": "สวัสดีค่ะ"}}}});
    assert_eq!(relay.put_settings(&owner, &body).await.0, 200);
    let config = public_config(&relay).await;
    assert_eq!(config.header_for("th"), Some("แชทกับ Acme"));
    assert_eq!(config.greeting_for("th"), Some("สวัสดีค่ะ"));
    assert_eq!(config.header_for("en"), Some("Chat with Acme"));
    assert_eq!(config.greeting_for("en"), None, "the widget's own greeting");
}

#[tokio::test]
async fn the_public_config_tells_the_widget_the_files_policy_capped_by_the_relay() {
    let relay = TestRelay::start_with(|c| c.files.max_upload_bytes = 25_000_000).await;
    let config = public_config(&relay).await;
    assert!(config.visitor_uploads);
    assert_eq!(config.max_upload_mb, 10, "the tenant's default");
    relay
        .edit_settings("acme", |s| {
            s.files.visitor_uploads = false;
            s.files.max_mb = 50;
        })
        .await;
    let config = public_config(&relay).await;
    assert!(!config.visitor_uploads);
    assert_eq!(config.max_upload_mb, 25, "the relay's own cap wins");
}
