//! JSON text ⇄ Rust values through the browser's own `JSON` object (smaller than
//! bundling a JSON parser into the wasm).

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// Serializes to JSON text (maps as objects, integers as numbers).
pub fn to_string<T: Serialize>(value: &T) -> Option<String> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    let js = value.serialize(&ser).ok()?;
    js_sys::JSON::stringify(&js).ok()?.as_string()
}

/// Parses JSON text.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let js = js_sys::JSON::parse(text).ok()?;
    from_value(js)
}

pub fn from_value<T: DeserializeOwned>(js: JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(js).ok()
}
