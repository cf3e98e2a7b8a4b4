//! Names for saved results: the original's name, the output width and the output format's
//! extension (`kleiber.jpeg` at 1920 px wide → `kleiber-1920w.jpg`), unique within a batch.

/// The file extension for an engine output format (WIT `image-format`).
pub fn extension(format: &str) -> &str {
    match format {
        "jpeg" => "jpg",
        "png" => "png",
        "webp" => "webp",
        other => other,
    }
}

/// The name to save a result under.
pub fn output_name(original: &str, format: &str, width: u32) -> String {
    format!("{}-{width}w.{}", stem(original), extension(format))
}

/// The original's name without its extension or any folder, cleaned of characters that file
/// systems or ZIP readers refuse.
fn stem(original: &str) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or(original);
    let stem = match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    };
    let clean: String =
        stem.chars().map(|c| if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c }).collect();
    let clean = clean.trim().trim_matches('.');
    if clean.is_empty() { "image".into() } else { clean.into() }
}

/// Makes `names` unique (ignoring case, as Windows and macOS do) by numbering repeats:
/// `a.jpg`, `a-2.jpg`, `a-3.jpg`.
pub fn unique(names: &[String]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    names
        .iter()
        .map(|name| {
            let (stem, ext) = name.rsplit_once('.').map_or((name.as_str(), None), |(s, e)| (s, Some(e)));
            let mut candidate = name.clone();
            let mut n = 1;
            while !taken.insert(candidate.to_lowercase()) {
                n += 1;
                candidate = match ext {
                    Some(ext) => format!("{stem}-{n}.{ext}"),
                    None => format!("{stem}-{n}"),
                };
            }
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_size_and_format() {
        assert_eq!(output_name("kleiber.jpeg", "jpeg", 1920), "kleiber-1920w.jpg");
        assert_eq!(output_name("scan.tiff", "png", 800), "scan-800w.png");
        assert_eq!(output_name("archive.tar.bmp", "webp", 10), "archive.tar-10w.webp");
        // A result is never a hidden file, even from one.
        assert_eq!(output_name(".hidden", "png", 1), "hidden-1w.png");
        assert_eq!(output_name("folder/sub\\x:y?.png", "png", 5), "x_y_-5w.png");
        assert_eq!(output_name("", "jpeg", 5), "image-5w.jpg");
    }

    #[test]
    fn repeated_names_are_numbered() {
        let names = ["a.jpg", "A.jpg", "a.jpg", "b", "b"].map(String::from);
        assert_eq!(unique(&names), ["a.jpg", "A-2.jpg", "a-3.jpg", "b", "b-2"]);
    }
}
