//! The widget's JSON, written by hand: decoding the relay's frames and the public
//! config, encoding the visitor's frames and what goes to localStorage.
//!
//! Why not serde: the derived `Deserialize` of the protocol's big internally
//! tagged enums (every agent frame included) was the largest part of the widget's
//! wasm (~90 KB before compression). The widget needs a handful of frames; these
//! functions read them from the browser's own `JSON.parse` result and write JSON
//! text directly. Pure and generic over [`Json`], so they are unit-tested natively
//! against serde's own encoding of the same protocol values.

pub mod decode;
pub mod encode;
#[cfg(test)]
mod tests;

/// A parsed JSON value the decoders can read: the browser's `JSON.parse` result
/// in the widget, `serde_json::Value` in the tests.
pub trait Json: Sized {
    /// Member `key` of an object; `None` when absent or `null`.
    fn get(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
    /// Elements of an array; `None` when not an array.
    fn elements(&self) -> Option<Vec<Self>>;
}
