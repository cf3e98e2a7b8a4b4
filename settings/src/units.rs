//! Numbers as people read them.

/// A size in bytes: `812 B`, `163 KB`, `4.2 MB` (decimal units, as file managers show them).
pub fn bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{} KB", (n + 500) / 1_000),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

/// How much smaller the result is than the original, as `-94%`; `+12%` when it grew.
pub fn saving(original: u64, result: u64) -> String {
    if original == 0 {
        return String::new();
    }
    let change = (result as f64 - original as f64) / original as f64 * 100.0;
    format!("{}{:.0}%", if change > 0.0 { "+" } else { "−" }, change.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_savings_read_naturally() {
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(162_920), "163 KB");
        assert_eq!(bytes(4_210_000), "4.2 MB");
        assert_eq!(saving(4_000_000, 160_000), "−96%");
        assert_eq!(saving(100, 112), "+12%");
    }
}
