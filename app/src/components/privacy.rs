//! What private data a photo carried and that it is gone: the reason to use localpix, shown plainly.

use leptos::prelude::*;

use crate::{
    batch::Row,
    bridge::{Field, ImageInfo},
};

/// A kind of private field as people name it.
fn kind_label(kind: &str) -> &'static str {
    match kind {
        "location" => "location (GPS)",
        "device" => "device serial / ID",
        "person" => "names",
        _ => "hidden data (maker notes, thumbnail)",
    }
}

/// The kinds of private data found, in a fixed order, each once.
fn kinds(info: &ImageInfo) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    for kind in ["location", "device", "person", "hidden-content"] {
        if info.sensitive().any(|f| f.sensitive.as_deref() == Some(kind)) {
            found.push(kind_label(kind));
        }
    }
    found
}

#[component]
pub fn PrivacyNote(row: Row) -> impl IntoView {
    move || {
        let info = row.info.get()?;
        let output = row.output.get();
        let private: Vec<Field> = info.sensitive().cloned().collect();
        let others = info.fields.len() - private.len();
        let verdict = match &output {
            Some(o) if o.kept_sensitive == 0 => "removed".to_string(),
            Some(o) => format!("{} private fields still in the result", o.kept_sensitive),
            None => "will be removed".to_string(),
        };
        let other_note = match &output {
            Some(o) if o.kept_fields > 0 => format!("{others} other fields; {} kept", o.kept_fields),
            _ if others > 0 => format!("{others} other fields, removed"),
            _ => String::new(),
        };
        Some(if private.is_empty() {
            view! {
                <p class="privacy-none">"None found"</p>
                <p class="fine-print">{other_note}</p>
            }
            .into_any()
        } else {
            let summary = kinds(&info).join(", ");
            view! {
                <details class="privacy-found">
                    <summary>
                        <span class="found">{summary}</span>
                        ": "
                        <strong class="verdict" class:leaked=output.as_ref().is_some_and(|o| o.kept_sensitive > 0)>{verdict}</strong>
                    </summary>
                    <dl>
                        {private.into_iter().map(|f| view! {
                            <dt>{f.name}</dt>
                            <dd>{f.value}</dd>
                        }).collect_view()}
                    </dl>
                </details>
                <p class="fine-print">{other_note}</p>
            }
            .into_any()
        })
    }
}
