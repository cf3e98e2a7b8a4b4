//! Names for saved results: the original's name, the output width and the output format's
//! extension (`kleiber.jpeg` at 1920 px wide → `kleiber-1920w.jpg`), unique within a batch.

use localpix_contract::ImageFormat;

/// The file extension for an image format.
pub fn extension(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        ImageFormat::WebP => "webp",
        ImageFormat::Gif => "gif",
        ImageFormat::Bmp => "bmp",
        ImageFormat::Tiff => "tiff",
        ImageFormat::Heic => "heic",
        ImageFormat::JpegXl => "jxl",
        ImageFormat::Avif => "avif",
    }
}

/// The MIME type of an image format, as a Blob or a download carries it.
pub fn mime_type(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "image/jpeg",
        ImageFormat::Png => "image/png",
        ImageFormat::WebP => "image/webp",
        ImageFormat::Gif => "image/gif",
        ImageFormat::Bmp => "image/bmp",
        ImageFormat::Tiff => "image/tiff",
        ImageFormat::Heic => "image/heic",
        ImageFormat::JpegXl => "image/jxl",
        ImageFormat::Avif => "image/avif",
    }
}

/// The name to save a result under.
pub fn output_name(original: &str, format: ImageFormat, width: u32) -> String {
    format!("{}-{width}w.{}", stem(original), extension(format))
}

/// What a result's name is made of.
#[derive(Clone, Copy, Debug)]
pub struct NameParts<'a> {
    /// The original file's name.
    pub original: &'a str,
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    /// The file's place in the batch, from 1.
    pub n: usize,
}

/// The name to save a result under in the app: the original's name with the new extension, or a
/// template (checked by `fields::check_name_template`) with `{name}`, `{width}`, `{height}`, `{n}`
/// and `{format}` filled in, then the extension.
pub fn result_name(template: Option<&str>, parts: NameParts) -> String {
    let ext = extension(parts.format);
    let Some(template) = template else { return format!("{}.{ext}", stem(parts.original)) };
    let filled = template
        .replace("{name}", &stem(parts.original))
        .replace("{width}", &parts.width.to_string())
        .replace("{height}", &parts.height.to_string())
        .replace("{n}", &parts.n.to_string())
        .replace("{format}", ext);
    format!("{}.{ext}", stem(&format!("{filled}.{ext}")))
}

/// One result of a photo made at several widths (`Settings::widths`): its file name and size.
#[derive(Clone, Copy, Debug)]
pub struct SizedFile<'a> {
    pub name: &'a str,
    pub width: u32,
    pub height: u32,
}

/// The `<img>` a web page needs to let the browser pick among a photo's widths: `src` and the
/// intrinsic `width`/`height` of the largest (so the page does not jump while it loads), `srcset`
/// with every width, `sizes="100vw"` to be adjusted to the layout. `None` without files.
pub fn srcset_snippet(files: &[SizedFile]) -> Option<String> {
    let mut files = files.to_vec();
    files.sort_by_key(|f| f.width);
    let largest = files.last()?;
    let srcset = files.iter().map(|f| format!("{} {}w", url_path(f.name), f.width)).collect::<Vec<_>>().join(", ");
    Some(format!(
        r#"<img src="{}" srcset="{srcset}" sizes="100vw" width="{}" height="{}" alt="">"#,
        url_path(largest.name),
        largest.width,
        largest.height
    ))
}

/// A file name as a relative URL inside an HTML attribute: spaces and commas would split a
/// `srcset`, quotes would end the attribute, `#`, `?` and `%` would change the URL.
fn url_path(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_alphanumeric() && !"-_.~()!$*+;=@".contains(c) {
                format!("%{:02X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
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
    let mut taken = UniqueNames::default();
    names.iter().map(|name| taken.claim(name)).collect()
}

/// The names given so far, for giving them one at a time: [`unique`] for names that arrive one by
/// one (the CLI names each result as it is written, in the order of its inputs).
#[derive(Clone, Debug, Default)]
pub struct UniqueNames {
    taken: std::collections::HashSet<String>,
}

impl UniqueNames {
    /// Marks a name as taken without giving it (a file that must not be replaced).
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_lowercase());
    }

    /// `name` if it is free, otherwise the first free numbered form of it; either way, taken now.
    pub fn claim(&mut self, name: &str) -> String {
        let (stem, ext) = name.rsplit_once('.').map_or((name, None), |(s, e)| (s, Some(e)));
        let mut candidate = name.to_string();
        let mut n = 1;
        while !self.taken.insert(candidate.to_lowercase()) {
            n += 1;
            candidate = match ext {
                Some(ext) => format!("{stem}-{n}.{ext}"),
                None => format!("{stem}-{n}"),
            };
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_size_and_format() {
        assert_eq!(output_name("kleiber.jpeg", ImageFormat::Jpeg, 1920), "kleiber-1920w.jpg");
        assert_eq!(output_name("scan.tiff", ImageFormat::Png, 800), "scan-800w.png");
        assert_eq!(output_name("archive.tar.bmp", ImageFormat::WebP, 10), "archive.tar-10w.webp");
        // A result is never a hidden file, even from one.
        assert_eq!(output_name(".hidden", ImageFormat::Png, 1), "hidden-1w.png");
        assert_eq!(output_name("folder/sub\\x:y?.png", ImageFormat::Png, 5), "x_y_-5w.png");
        assert_eq!(output_name("", ImageFormat::Jpeg, 5), "image-5w.jpg");
    }

    #[test]
    fn results_keep_their_names_or_follow_the_template() {
        let parts = NameParts { original: "Trip/IMG 1.HEIC", format: ImageFormat::Jpeg, width: 1280, height: 960, n: 3 };
        assert_eq!(result_name(None, parts), "IMG 1.jpg");
        assert_eq!(result_name(Some("{name}-{width}w"), parts), "IMG 1-1280w.jpg");
        assert_eq!(result_name(Some("holiday {n} {width}x{height} {format}"), parts), "holiday 3 1280x960 jpg.jpg");
        // Whatever the template leaves, a name with the extension comes out.
        assert_eq!(result_name(Some("  "), parts), "image.jpg");
    }

    #[test]
    fn a_srcset_lists_every_width_and_sizes_the_largest() {
        let files = [
            SizedFile { name: "kleiber-1280w.jpg", width: 1280, height: 853 },
            SizedFile { name: "kleiber-640w.jpg", width: 640, height: 427 },
            SizedFile { name: "kleiber-1920w.jpg", width: 1920, height: 1280 },
        ];
        assert_eq!(
            srcset_snippet(&files).as_deref(),
            Some(
                r#"<img src="kleiber-1920w.jpg" srcset="kleiber-640w.jpg 640w, kleiber-1280w.jpg 1280w, kleiber-1920w.jpg 1920w" sizes="100vw" width="1920" height="1280" alt="">"#
            )
        );
        let odd = [SizedFile { name: "a b,\"c\"#1 été.jpg", width: 10, height: 5 }];
        assert!(srcset_snippet(&odd).unwrap().contains(r#"srcset="a%20b%2C%22c%22%231%20été.jpg 10w""#));
        assert_eq!(srcset_snippet(&[]), None);
    }

    #[test]
    fn repeated_names_are_numbered() {
        let names = ["a.jpg", "A.jpg", "a.jpg", "b", "b"].map(String::from);
        assert_eq!(unique(&names), ["a.jpg", "A-2.jpg", "a-3.jpg", "b", "b-2"]);
    }

    #[test]
    fn reserved_names_are_never_given() {
        let mut names = UniqueNames::default();
        names.reserve("Photo-1920w.jpg");
        assert_eq!(names.claim("photo-1920w.jpg"), "photo-1920w-2.jpg");
        assert_eq!(names.claim("other.png"), "other.png");
    }
}
