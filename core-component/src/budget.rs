//! Fitting a byte budget: JPEG quality is lowered first (not below [`MIN_QUALITY`]), then the
//! size, until the output fits.

use crate::{
    Dimensions,
    encode::Writer,
    error::{Error, Result},
    metadata::OutputMetadata,
    orient::Rect,
    pixels::Pixels,
    resize::{self, Filter},
};

/// Below this, JPEG artefacts are plain to see; a smaller size looks better.
pub const MIN_QUALITY: u8 = 40;

/// Sides are not shrunk below this; a budget that needs smaller is unreachable.
const MIN_SIDE: u32 = 16;

/// An encoded output and what it took to get there.
pub struct Fitted {
    pub bytes: Vec<u8>,
    pub dimensions: Dimensions,
    pub writer: Writer,
}

/// Encodes `pixels` with `writer`, within `max_bytes` when it is set. `metadata_for` gives the
/// metadata for an output size (EXIF records the size); `first`, when given, is what `writer`
/// writes of `pixels`, made elsewhere (a shared encode: `pipeline::SharedEncode`).
pub fn encode_within(
    pixels: &Pixels,
    writer: Writer,
    metadata_for: impl Fn(Dimensions) -> OutputMetadata,
    max_bytes: Option<u32>,
    filter: Filter,
    first: Option<Vec<u8>>,
) -> Result<Fitted> {
    let encode = |pixels: &Pixels, writer: Writer| writer.encode(pixels, &metadata_for(pixels.size));
    let first = match first {
        Some(first) => first,
        None => encode(pixels, writer)?,
    };
    let Some(budget) = max_bytes else {
        return Ok(Fitted { bytes: first, dimensions: pixels.size, writer });
    };
    let max = budget as usize;
    if first.len() <= max {
        return Ok(Fitted { bytes: first, dimensions: pixels.size, writer });
    }
    let mut smallest = first.len();
    let mut writer = writer;
    if let Some(asked) = writer.quality() {
        // The highest quality that fits, by bisection: about six encodes.
        let (mut low, mut high) = (MIN_QUALITY, asked.saturating_sub(1));
        let mut best = None;
        while low <= high {
            let quality = low + (high - low) / 2;
            let candidate = writer.with_quality(quality);
            let bytes = encode(pixels, candidate)?;
            smallest = smallest.min(bytes.len());
            if bytes.len() <= max {
                best = Some((bytes, candidate));
                low = quality + 1;
            } else {
                high = quality - 1;
            }
        }
        if let Some((bytes, writer)) = best {
            return Ok(Fitted { bytes, dimensions: pixels.size, writer });
        }
        writer = writer.with_quality(MIN_QUALITY.min(asked));
    }
    // Then smaller sizes: bytes grow roughly with the area, so each step aims at the budget from
    // the last result, always resampling the full pixels.
    let whole = Rect { left: 0.0, top: 0.0, width: pixels.size.width.into(), height: pixels.size.height.into() };
    let (mut last, mut scale, mut last_size) = (smallest, 1.0f64, pixels.size);
    loop {
        scale *= ((max as f64 / last as f64).sqrt() * 0.95).min(0.9);
        let size = Dimensions::new(
            (f64::from(pixels.size.width) * scale).round().max(1.0) as u32,
            (f64::from(pixels.size.height) * scale).round().max(1.0) as u32,
        );
        if size.width.max(size.height) < MIN_SIDE {
            break;
        }
        let small = resize::resample(pixels, whole, size, filter)?;
        let bytes = encode(&small, writer)?;
        (last, last_size) = (bytes.len(), size);
        smallest = smallest.min(last);
        if bytes.len() <= max {
            return Ok(Fitted { bytes, dimensions: size, writer });
        }
    }
    let at_quality = writer.quality().map(|q| format!(" at quality {q}")).unwrap_or_default();
    Err(Error::BudgetUnreachable {
        max_bytes: budget,
        smallest_bytes: smallest as u32,
        message: format!(
            "No output fits in {budget} bytes: even at {last_size}{at_quality} it takes {smallest} bytes. Allow more bytes, or keep less metadata."
        ),
    })
}
