//! Where settings live between visits: the page's URL (so a link shares them) and localStorage (so
//! a plain visit gets the last ones back). A link's settings win over the stored ones.

use crate::settings::Settings;

const STORAGE_KEY: &str = "localpix.settings";

/// The settings of the link the page was opened with, else the stored ones, else the defaults.
pub fn load() -> Settings {
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    if Settings::query_has_settings(&query) {
        return Settings::from_query(&query);
    }
    storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).map(|q| Settings::from_query(&q)).unwrap_or_default()
}

/// Stores the settings and puts them in the address bar, without a new history entry.
pub fn save(settings: &Settings) {
    let query = settings.to_query();
    if let Some(storage) = storage() {
        // Private browsing may refuse; the settings then last for the visit only.
        let _ = storage.set_item(STORAGE_KEY, &query);
    }
    if let Some(window) = web_sys::window() {
        let path = window.location().pathname().unwrap_or_else(|_| "/".into());
        let hash = window.location().hash().unwrap_or_default();
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}?{query}{hash}")));
        }
    }
}

/// A link that opens localpix with these settings.
pub fn share_link(settings: &Settings) -> String {
    let origin_and_path = web_sys::window()
        .map(|w| format!("{}{}", w.location().origin().unwrap_or_default(), w.location().pathname().unwrap_or_default()))
        .unwrap_or_default();
    format!("{origin_and_path}?{}", settings.to_query())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
