//! ICC colour profiles: what `probe` says about one, read from its header and `desc` tag.

pub use localpix_contract::{ColorProfile, ProfileColorSpace};

/// What a person needs to know about a profile, read from its header and `desc` tag.
pub fn describe(profile: &[u8]) -> ColorProfile {
    let color_space = match profile.get(16..20) {
        Some(b"RGB ") => ProfileColorSpace::Rgb,
        Some(b"GRAY") => ProfileColorSpace::Gray,
        Some(b"CMYK") => ProfileColorSpace::Cmyk,
        _ => ProfileColorSpace::Other,
    };
    let description = description(profile);
    // The description is how sRGB profiles name themselves ("sRGB IEC61966-2.1", "sRGB
    // built-in", "sRGB v4 ICC preference"); one that only claims it still looks the same.
    let is_srgb = color_space == ProfileColorSpace::Rgb && description.as_deref().is_some_and(|d| d.to_ascii_lowercase().contains("srgb"));
    ColorProfile { description, color_space, is_srgb, size: profile.len() as u32 }
}

/// The `desc` tag: ASCII in v2 profiles (`desc` type), UTF-16 in v4 (`mluc` type).
fn description(profile: &[u8]) -> Option<String> {
    let be32 = |at: usize| profile.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let tag_count = be32(128)?.min(1000);
    let (offset, size) = (0..tag_count).find_map(|i| {
        let entry = 132 + 12 * i;
        (profile.get(entry..entry + 4)? == b"desc").then(|| Some((be32(entry + 4)?, be32(entry + 8)?)))?
    })?;
    let tag = profile.get(offset..offset.checked_add(size)?)?;
    let text = match tag.get(0..4)? {
        b"desc" => {
            let len = u32::from_be_bytes(tag.get(8..12)?.try_into().ok()?) as usize;
            let ascii = tag.get(12..12 + len.min(tag.len().saturating_sub(12)))?;
            String::from_utf8_lossy(ascii).trim_end_matches('\0').to_string()
        }
        b"mluc" => {
            let len = u32::from_be_bytes(tag.get(20..24)?.try_into().ok()?) as usize;
            let at = u32::from_be_bytes(tag.get(24..28)?.try_into().ok()?) as usize;
            let utf16: Vec<u16> = tag.get(at..at.checked_add(len)?)?.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&utf16).trim_end_matches('\0').to_string()
        }
        _ => return None,
    };
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    #[test]
    fn reads_the_adobe_rgb_profile_of_the_fixture() {
        let container = crate::container::read(&testdata::fixture("adobergb-icc.jpg")).unwrap();
        let info = describe(container.blocks.icc.as_deref().expect("the fixture has a profile"));
        assert_eq!(info.color_space, ProfileColorSpace::Rgb);
        assert!(!info.is_srgb);
        assert!(info.description.as_deref().is_some_and(|d| !d.is_empty()), "{info:?}");
    }

    #[test]
    fn survives_garbage() {
        for len in [0, 20, 131, 200] {
            let _ = describe(&vec![0xAB; len]);
        }
    }
}
