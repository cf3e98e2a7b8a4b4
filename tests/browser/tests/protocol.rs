//! The names two languages must agree on: app/js/protocol.js (the JavaScript side) against the
//! Rust side (app/src/protocol.rs, the serde names of `bridge::Stage` and `bridge::PoolError`, and
//! `settings::keys`). A rename on one side only fails here.

use js_sys::{Object, Reflect};
use localpix_app::{
    bridge::{PoolError, Stage, to_js},
    protocol::{self, offline, widget},
    settings::keys,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The JavaScript table's values, in its own order.
fn values(table: &JsValue) -> Vec<String> {
    if js_sys::Array::is_array(table) {
        return js_sys::Array::from(table).iter().filter_map(|v| v.as_string()).collect();
    }
    Object::values(&Object::from(table.clone())).iter().filter_map(|v| v.as_string()).collect()
}

fn entry(table: &JsValue, key: &str) -> String {
    Reflect::get(table, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_else(|| panic!("protocol.js has no {key}"))
}

fn serde_name(value: impl serde::Serialize) -> String {
    let value = to_js(&value);
    value.as_string().or_else(|| Reflect::get(&value, &"tag".into()).ok()?.as_string()).expect("a name or a tag")
}

#[wasm_bindgen_test]
fn the_service_worker_names_agree() {
    let [_, _, _, js, _, _] = protocol::javascript_side();
    assert_eq!(entry(&js, "readyMarker"), offline::READY_MARKER);
    assert_eq!(entry(&js, "sharedCache"), offline::SHARED_CACHE);
    assert_eq!(entry(&js, "fileNameHeader"), offline::FILE_NAME_HEADER);
    assert_eq!(entry(&js, "skipWaiting"), offline::SKIP_WAITING);
    assert_eq!(values(&js).len(), 4, "a name protocol.js has and Rust does not");
}

#[wasm_bindgen_test]
fn the_widget_messages_agree() {
    let [_, _, _, _, js, _] = protocol::javascript_side();
    assert_eq!(values(&js), [widget::READY, widget::SETTINGS, widget::PROCESS, widget::RESULT, widget::ERROR, widget::THEME]);
}

#[wasm_bindgen_test]
fn the_worker_stages_and_pool_errors_agree() {
    let [_, stages, errors, _, _, _] = protocol::javascript_side();
    assert_eq!(values(&stages), Stage::ALL.map(serde_name));
    let rust = [PoolError::Crashed(String::new()), PoolError::Cancelled, PoolError::Unreadable(String::new())].map(serde_name);
    assert_eq!(values(&errors), rust);
}

#[wasm_bindgen_test]
fn the_settings_keys_agree() {
    let [_, _, _, _, _, js] = protocol::javascript_side();
    assert_eq!(values(&js), keys::ALL);
}
