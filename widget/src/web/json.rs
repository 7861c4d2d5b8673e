//! JSON in the browser: text is parsed by the browser's own `JSON.parse` (no parser
//! in the wasm) and read through [`Json`] by the hand-written decoders of
//! [`crate::wire`].

use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;

use crate::wire::Json;

/// Parses JSON text; `None` if it is not JSON.
pub fn parse(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok()
}

impl Json for JsValue {
    fn get(&self, key: &str) -> Option<Self> {
        if !self.is_object() {
            return None;
        }
        Reflect::get(self, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn string(&self) -> Option<String> {
        self.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn elements(&self) -> Option<Vec<Self>> {
        Array::is_array(self).then(|| Array::from(self).to_vec())
    }
}
