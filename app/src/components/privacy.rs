//! What private data a photo carried and that it is gone: the reason to use localpix, shown plainly.
//!
//! "Removed" is said only once the result exists and has been read back without any private
//! field; before that the note says what will happen, and after a failure that nothing was made.

use leptos::prelude::*;

use localpix_contract::MetadataField;
use localpix_settings::privacy::{counted, kinds};

use crate::batch::{Output, Row, RowState};

/// "1 field", "3 fields".
fn fields(count: usize) -> String {
    counted(count, "")
}

/// What happened to the private fields, as far as is known now.
fn verdict(output: Option<&Output>, state: &RowState) -> String {
    match (output, state) {
        (Some(o), _) => match o.kept_sensitive {
            Some(0) => "removed".into(),
            Some(kept) => format!("{} still in the result", counted(kept as usize, "private ")),
            None => format!("not checked: localpix cannot read {} back", o.format.name()),
        },
        (None, RowState::Failed(_) | RowState::Cancelled) => "no result was made".into(),
        (None, _) => "will be removed".into(),
    }
}

/// The harmless fields: how many, and how many the result kept.
fn other_note(others: usize, output: Option<&Output>) -> String {
    match output {
        Some(o) if o.kept_fields.is_some_and(|kept| kept > 0) => {
            format!("{} kept (camera details)", fields(o.kept_fields.unwrap_or_default() as usize))
        }
        Some(o) if others > 0 && o.kept_fields == Some(0) => format!("{}, none kept", counted(others, "harmless ")),
        _ if others > 0 => counted(others, "harmless "),
        _ => String::new(),
    }
}

#[component]
pub fn PrivacyNote(row: Row) -> impl IntoView {
    move || {
        let info = row.info.get()?;
        let output = row.output.get();
        let state = row.state.get();
        let private: Vec<MetadataField> = info.sensitive().cloned().collect();
        let others = other_note(info.metadata.len() - private.len(), output.as_ref());
        Some(if private.is_empty() {
            view! {
                <p class="privacy-none">"None found"</p>
                <p class="fine-print">{others}</p>
            }
            .into_any()
        } else {
            let leaked = output.as_ref().is_some_and(|o| o.kept_sensitive.is_some_and(|kept| kept > 0));
            view! {
                <details class="privacy-found">
                    <summary>
                        <span class="found">{kinds(&info).join(", ")}</span>
                        ": "
                        <strong class="verdict" class:leaked=leaked class:pending=output.is_none()>{verdict(output.as_ref(), &state)}</strong>
                    </summary>
                    <p class="fine-print">{format!("{} in the original:", fields(private.len()))}</p>
                    <dl>
                        {private.into_iter().map(|f| view! {
                            <dt>{f.name}</dt>
                            <dd>{f.value}</dd>
                        }).collect_view()}
                    </dl>
                </details>
                <p class="fine-print">{others}</p>
            }
            .into_any()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(kept_fields: u32, kept_sensitive: u32) -> Output {
        Output {
            url: String::new(),
            thumbnail_url: None,
            format: localpix_contract::ImageFormat::Jpeg,
            width: 1,
            height: 1,
            bytes: 1,
            quality: None,
            score: None,
            kept_fields: Some(kept_fields),
            kept_sensitive: Some(kept_sensitive),
            notes: vec![],
            shrunk: false,
            sizes: vec![],
        }
    }

    #[test]
    fn says_removed_only_when_the_result_shows_it() {
        assert_eq!(verdict(None, &RowState::Queued), "will be removed");
        let damaged = crate::bridge::JobError::Engine(localpix_contract::Error::malformed("damaged"));
        assert_eq!(verdict(None, &RowState::Failed(damaged)), "no result was made");
        assert_eq!(verdict(None, &RowState::Cancelled), "no result was made");
        assert_eq!(verdict(Some(&output(0, 0)), &RowState::Done), "removed");
        assert_eq!(verdict(Some(&output(3, 1)), &RowState::Done), "1 private field still in the result");
        // A result the engine cannot read back (AVIF) is not called clean.
        let unread = Output { format: localpix_contract::ImageFormat::Avif, kept_fields: None, kept_sensitive: None, ..output(0, 0) };
        assert_eq!(verdict(Some(&unread), &RowState::Done), "not checked: localpix cannot read AVIF back");
        assert_eq!(other_note(3, Some(&unread)), "3 harmless fields");
    }

    #[test]
    fn counts_read_as_english() {
        assert_eq!(other_note(1, None), "1 harmless field");
        assert_eq!(other_note(3, Some(&output(0, 0))), "3 harmless fields, none kept");
        assert_eq!(other_note(4, Some(&output(2, 0))), "2 fields kept (camera details)");
        assert_eq!(other_note(0, Some(&output(0, 0))), "");
    }
}
