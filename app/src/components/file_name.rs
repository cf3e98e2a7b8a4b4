//! A file's name as the list and the widget show it: it may wrap, and where it must, it wraps
//! after the separators people and cameras put in names (`_`, `-`, `.`), rather than mid-word.

use leptos::prelude::*;

/// The name in a `.file-name` span, with a line-break opportunity (`<wbr>`) after each separator;
/// the stylesheet breaks a part that still does not fit anywhere (`overflow-wrap: anywhere`).
#[component]
pub fn FileName(name: String) -> impl IntoView {
    view! {
        <span class="file-name">
            {parts(&name).into_iter().map(|part| view! { {part}<wbr/> }).collect_view()}
        </span>
    }
}

/// `name` cut after each separator; joined, the parts are `name` again.
fn parts(name: &str) -> Vec<String> {
    name.split_inclusive(['_', '-', '.']).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::parts;

    #[test]
    fn cuts_after_separators_and_loses_nothing() {
        assert_eq!(parts("IMG_2026-03-14.final.jpg"), ["IMG_", "2026-", "03-", "14.", "final.", "jpg"]);
        assert_eq!(parts("plain"), ["plain"]);
        assert_eq!(parts(""), Vec::<String>::new());
        assert_eq!(parts("a__b").concat(), "a__b");
    }
}
