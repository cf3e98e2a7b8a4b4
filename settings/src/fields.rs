//! The form's number fields: what each accepts, and the message shown beside it when a typed
//! value is not accepted. A value that is not accepted is never used: the batch keeps the last one
//! the person saw accepted, and the message says which that is.

/// What one number field accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// How the message names the value: "The width", "The number of colours".
    pub name: &'static str,
    /// Its unit, plural: "pixels", "%", "colours", "KB".
    pub unit: &'static str,
    pub min: u32,
    pub max: u32,
    /// Whether it may be left empty (no limit, all colours).
    pub optional: bool,
}

pub const WIDTH: Rule = Rule { name: "The width", unit: "pixels", min: 1, max: crate::MAX_SIDE, optional: false };
pub const HEIGHT: Rule = Rule { name: "The height", unit: "pixels", min: 1, max: crate::MAX_SIDE, optional: false };
pub const PERCENT: Rule = Rule { name: "The scale", unit: "%", min: 1, max: crate::MAX_PERCENT, optional: false };
pub const COLORS: Rule = Rule { name: "The number of colours", unit: "colours", min: 2, max: 256, optional: true };
pub const MAX_KB: Rule = Rule { name: "The largest file", unit: "KB", min: 1, max: 4_000_000, optional: true };

/// The file-name template: empty keeps each original's name; otherwise text with `{name}` (the
/// original's name without its extension), `{width}`, `{height}`, `{n}` (the file's place in the
/// batch, from 1) and `{format}` (`jpg`, `png`, `webp`). The extension is always added.
pub const NAME_PARTS: [&str; 5] = ["name", "width", "height", "n", "format"];

/// A typed file-name template, or why it cannot be used. `Ok(None)`: left empty, keep the names.
pub fn check_name_template(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > 200 {
        return Err("The file name template is too long: 200 characters at most.".into());
    }
    if let Some(bad) = text.chars().find(|&c| c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')) {
        return Err(format!("File names cannot hold “{bad}”."));
    }
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("A “}” has no “{” before it.".into());
        }
        let Some(close) = rest[open..].find('}') else { return Err("A “{” has no “}” after it.".into()) };
        let part = &rest[open + 1..open + close];
        if !NAME_PARTS.contains(&part) {
            return Err(format!("“{{{part}}}” is not a part of a name: use {{name}}, {{width}}, {{height}}, {{n}} or {{format}}."));
        }
        rest = &rest[open + close + 1..];
    }
    Ok(Some(text.to_string()))
}

/// At most this many widths at once: each is a result to encode.
pub const MAX_WIDTHS: usize = 8;

/// Typed widths ("640, 1280 1920"), ascending and without repeats, or why they cannot be used.
/// Empty: one result per file, at the size above.
pub fn check_widths(text: &str) -> Result<Vec<u32>, String> {
    let rule = Rule { name: "Each width", unit: "pixels", min: 1, max: crate::MAX_SIDE, optional: false };
    let mut widths = text
        .split([',', ' ', ';'])
        .filter(|part| !part.trim().is_empty())
        .map(|part| rule.check(part.trim().trim_end_matches(['w', 'W'])).map(|w| w.unwrap_or(rule.min)))
        .collect::<Result<Vec<_>, _>>()?;
    widths.sort_unstable();
    widths.dedup();
    if widths.len() > MAX_WIDTHS {
        return Err(format!("At most {MAX_WIDTHS} widths at once, not {}.", widths.len()));
    }
    Ok(widths)
}

/// Widths as the form shows them: "640, 1280, 1920".
pub fn widths_text(widths: &[u32]) -> String {
    widths.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

impl Rule {
    /// The value typed, or why it is not accepted. `Ok(None)`: left empty where that is allowed.
    pub fn check(&self, text: &str) -> Result<Option<u32>, String> {
        let text = text.trim();
        if text.is_empty() {
            return if self.optional {
                Ok(None)
            } else {
                Err(format!("{} is needed: {} to {} {}.", self.name, self.min, group(self.max), self.unit))
            };
        }
        let Ok(value) = text.replace([' ', '\u{a0}', '\u{202f}'], "").parse::<u64>() else {
            return Err(format!(
                "“{text}” is not a whole number: {} is {} to {} {}.",
                self.name.to_lowercase(),
                self.min,
                group(self.max),
                self.unit
            ));
        };
        if value < u64::from(self.min) || value > u64::from(self.max) {
            return Err(format!("{} must be {} to {} {}, not {}.", self.name, self.min, group(self.max), self.unit, group_u64(value)));
        }
        Ok(Some(value as u32))
    }
}

/// 65535 as "65 535", as the form shows large numbers.
fn group(n: u32) -> String {
    group_u64(n.into())
}

fn group_u64(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_values_pass_and_bad_ones_say_why() {
        assert_eq!(WIDTH.check(" 1280 "), Ok(Some(1280)));
        assert_eq!(WIDTH.check("0"), Err("The width must be 1 to 65 535 pixels, not 0.".into()));
        assert_eq!(WIDTH.check("70000"), Err("The width must be 1 to 65 535 pixels, not 70 000.".into()));
        assert_eq!(WIDTH.check("12.5"), Err("“12.5” is not a whole number: the width is 1 to 65 535 pixels.".into()));
        assert_eq!(WIDTH.check(""), Err("The width is needed: 1 to 65 535 pixels.".into()));
        assert_eq!(HEIGHT.check("-3"), Err("“-3” is not a whole number: the height is 1 to 65 535 pixels.".into()));
        assert_eq!(PERCENT.check("1001"), Err("The scale must be 1 to 1 000 %, not 1 001.".into()));
    }

    #[test]
    fn name_templates_name_only_known_parts() {
        assert_eq!(check_name_template("  "), Ok(None));
        assert_eq!(check_name_template(" {name}-{width}w "), Ok(Some("{name}-{width}w".into())));
        assert_eq!(check_name_template("trip {n} {width}x{height} {format}"), Ok(Some("trip {n} {width}x{height} {format}".into())));
        assert_eq!(
            check_name_template("{name}-{size}"),
            Err("“{size}” is not a part of a name: use {name}, {width}, {height}, {n} or {format}.".into())
        );
        assert_eq!(check_name_template("{name"), Err("A “{” has no “}” after it.".into()));
        assert_eq!(check_name_template("name}"), Err("A “}” has no “{” before it.".into()));
        assert_eq!(check_name_template("a/{name}"), Err("File names cannot hold “/”.".into()));
    }

    #[test]
    fn widths_are_sorted_whole_numbers() {
        assert_eq!(check_widths(""), Ok(vec![]));
        assert_eq!(check_widths(" 1920, 640 1280w;640 "), Ok(vec![640, 1280, 1920]));
        assert_eq!(check_widths("640, 0"), Err("Each width must be 1 to 65 535 pixels, not 0.".into()));
        assert_eq!(check_widths("640, big"), Err("“big” is not a whole number: each width is 1 to 65 535 pixels.".into()));
        assert_eq!(check_widths("1 2 3 4 5 6 7 8 9"), Err("At most 8 widths at once, not 9.".into()));
    }

    #[test]
    fn optional_fields_may_be_empty() {
        assert_eq!(COLORS.check(""), Ok(None));
        assert_eq!(COLORS.check("1"), Err("The number of colours must be 2 to 256 colours, not 1.".into()));
        assert_eq!(MAX_KB.check("300"), Ok(Some(300)));
        assert_eq!(MAX_KB.check("0"), Err("The largest file must be 1 to 4 000 000 KB, not 0.".into()));
    }
}
