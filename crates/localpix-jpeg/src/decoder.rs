//! The walk through a file's segments: tables as they come, the frame, each scan in turn, and
//! the pixels at the end.

use crate::{
    Image, Options, PixelFormat,
    color::ColorSpace,
    error::{Error, Result},
    frame::Frame,
    progressive,
    segments::{self, Coding, ScanHeader, Segments, marker},
    sequential::{self, Tables},
};

/// More scans than any encoder writes (libjpeg's progressive scripts have 10, jpegtran's and
/// mozjpeg's a few dozen): each scan passes over every block, so a file of thousands of empty
/// scans would otherwise take minutes.
const MAX_SCANS: usize = 256;

pub(crate) fn decode(data: &[u8], options: &Options) -> Result<Image> {
    decode_skipping(data, options, Skipping::Unneeded)
}

/// Whether a reduced progressive decode passes over the scans it does not need (the decoder
/// always does; the tests also decode every scan, to compare).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Skipping {
    Unneeded,
    #[cfg_attr(not(test), allow(dead_code))]
    Nothing,
}

pub(crate) fn decode_skipping(data: &[u8], options: &Options, skipping: Skipping) -> Result<Image> {
    match walk(data, options, skipping, Until::End)? {
        Walked::Image(image) => Ok(image),
        Walked::FirstScan(..) => unreachable!("a walk to the end gives the image"),
    }
}

/// Everything a decode knows when the first scan's entropy-coded data begins: the frame laid out
/// (no samples yet), the tables in force, that scan's header, and where its data starts.
pub(crate) struct FirstScan {
    pub frame: Frame,
    pub tables: Tables,
    pub scan: ScanHeader,
    pub data_at: usize,
}

/// Reads the headers up to the first scan's data, as a whole decode does.
pub(crate) fn first_scan(data: &[u8], options: &Options) -> Result<FirstScan> {
    match walk(data, options, Skipping::Nothing, Until::FirstScan)? {
        Walked::FirstScan(first) => Ok(*first),
        Walked::Image(_) => unreachable!("a walk to the first scan stops there"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Until {
    End,
    FirstScan,
}

enum Walked {
    Image(Image),
    FirstScan(Box<FirstScan>),
}

fn walk(data: &[u8], options: &Options, skipping: Skipping, until: Until) -> Result<Walked> {
    if !(1..=8).contains(&options.eighths) {
        return Err(Error::unsupported(format!("decoding at {}/8 (only 1/8 to 8/8)", options.eighths)));
    }
    if !data.starts_with(&[0xFF, marker::SOI]) {
        return Err(Error::malformed("it does not start with a JPEG start-of-image marker"));
    }
    let mut segments = Segments::new(data);
    segments.pos = 2;
    let mut tables = Tables::new();
    let (mut jfif, mut adobe) = (false, None);
    let mut frame: Option<Frame> = None;
    let mut scans = 0;
    // Scans a reduced progressive decode passes over (progressive::unneeded_scans), by number.
    let mut unneeded = Vec::new();
    loop {
        let code = match segments.next_marker() {
            Ok(code) => code,
            // No end-of-image marker: a sequential image whose scans all ended is whole (some
            // writers omit the marker); anything else is cut short.
            Err(Error::Truncated) => match frame {
                Some(frame) if frame.header.coding == Coding::Sequential && frame.is_complete() => return finish(frame).map(Walked::Image),
                _ => return Err(Error::Truncated),
            },
            Err(e) => return Err(e),
        };
        match code {
            marker::SOF0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                let body = segments.segment()?;
                if frame.is_some() {
                    return Err(Error::unsupported("more than one frame (hierarchical coding)"));
                }
                let header = segments::parse_frame(code, body)?;
                frame = Some(Frame::new(header, options.eighths as usize, options.max_memory)?);
            }
            marker::DHT => segments::parse_huffman_tables(segments.segment()?, &mut tables.dc, &mut tables.ac)?,
            marker::DQT => segments::parse_quant_tables(segments.segment()?, &mut tables.quant)?,
            marker::DRI => tables.restart_interval = segments::parse_restart_interval(segments.segment()?)?,
            marker::DAC => return Err(Error::unsupported("arithmetic coding")),
            marker::SOS => {
                let header_at = segments.pos;
                let body = segments.segment()?;
                let scan = match &frame {
                    Some(frame) => segments::parse_scan(body, &frame.header)?,
                    None => return Err(Error::malformed("a scan comes before the frame header")),
                };
                if scans == 0 {
                    let Some(first) = frame.as_mut() else { unreachable!("checked above") };
                    // libjpeg decides at the first scan, having seen every header before it.
                    let ids: Vec<u8> = first.header.components.iter().map(|c| c.id).collect();
                    first.color = ColorSpace::guess(&ids, jfif, adobe);
                    if until == Until::FirstScan {
                        let Some(frame) = frame.take() else { unreachable!("checked above") };
                        return Ok(Walked::FirstScan(Box::new(FirstScan { frame, tables, scan, data_at: segments.pos })));
                    }
                }
                let Some(frame) = frame.as_mut() else { unreachable!("checked above") };
                if scans == 0 && frame.header.coding == Coding::Progressive && options.eighths < 8 && skipping == Skipping::Unneeded {
                    unneeded = progressive::unneeded_scans(data, header_at, frame);
                }
                scans += 1;
                if scans > MAX_SCANS {
                    return Err(Error::malformed(format!("more than {MAX_SCANS} scans")));
                }
                segments.pos = match frame.header.coding {
                    Coding::Sequential => sequential::decode_scan(frame, &scan, &tables, data, segments.pos)?,
                    // Its entropy data is passed over by the search for the next marker.
                    Coding::Progressive if unneeded.get(scans - 1) == Some(&true) => {
                        sequential::latch_quant_tables(frame, &scan, &tables)?;
                        segments.pos
                    }
                    Coding::Progressive => progressive::decode_scan(frame, &scan, &tables, data, segments.pos)?,
                };
            }
            marker::EOI => {
                return frame.ok_or_else(|| Error::malformed("the image ends before its frame header")).and_then(finish).map(Walked::Image);
            }
            marker::APP0 => jfif |= segments::is_jfif(segments.segment()?),
            marker::APP14 => {
                if let Some(transform) = segments::adobe_transform(segments.segment()?) {
                    adobe = Some(transform);
                }
            }
            // A restart marker after the last interval (some writers add one), TEM, reserved.
            code if marker::is_standalone(code) => {}
            // Other APPn, COM, DNL (the height is always in the frame header here), JPGn…
            _ => {
                segments.segment()?;
            }
        }
    }
}

/// What the output's bytes are for a picture in `color`.
pub(crate) fn pixel_format(color: ColorSpace) -> PixelFormat {
    match color {
        ColorSpace::Gray => PixelFormat::L8,
        ColorSpace::YCbCr | ColorSpace::Rgb => PixelFormat::Rgb24,
        ColorSpace::Cmyk | ColorSpace::Ycck => PixelFormat::Cmyk32,
    }
}

fn finish(mut frame: Frame) -> Result<Image> {
    if frame.planes.iter().any(|p| p.quant.is_none()) {
        return Err(Error::malformed("a colour component has no scan"));
    }
    match frame.header.coding {
        Coding::Progressive => progressive::finish(&mut frame),
        Coding::Sequential => {
            // Scans that stopped early (a marker in the data) leave their rows as decoded.
            for plane in &mut frame.planes {
                plane.rows_ready = plane.height;
            }
        }
    }
    let format = pixel_format(frame.color);
    let (width, height) = (frame.width as u32, frame.height as u32);
    Ok(Image { width, height, format, pixels: frame.into_output() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)).unwrap()
    }

    /// The scans a decode of `data` at `eighths`/8 passes over.
    fn passed_over(data: &[u8], eighths: usize) -> Vec<bool> {
        let mut segments = Segments::new(data);
        segments.pos = 2;
        let mut frame = None;
        loop {
            match segments.next_marker().unwrap() {
                code @ (marker::SOF0..=0xC3 | 0xC5..=0xC7) => {
                    let header = segments::parse_frame(code, segments.segment().unwrap()).unwrap();
                    frame = Some(Frame::new(header, eighths, 1 << 30).unwrap());
                }
                marker::SOS => return progressive::unneeded_scans(data, segments.pos, frame.as_ref().unwrap()),
                code if marker::is_standalone(code) => {}
                _ => {
                    segments.segment().unwrap();
                }
            }
        }
    }

    #[test]
    fn a_reduced_progressive_decode_passes_over_scans_it_does_not_need_and_gives_the_same_pixels() {
        let data = fixture("progressive.jpg");
        // libjpeg's script in 4:2:0: at 1/8 the brightness's four AC scans, most of the file.
        assert_eq!(passed_over(&data, 1).iter().filter(|&&unneeded| unneeded).count(), 4);
        for eighths in 1..=8 {
            let options = Options { eighths, ..Options::default() };
            let skipping = decode_skipping(&data, &options, Skipping::Unneeded).unwrap();
            let every_scan = decode_skipping(&data, &options, Skipping::Nothing).unwrap();
            assert_eq!((skipping.width, skipping.height), (every_scan.width, every_scan.height));
            assert!(skipping.pixels == every_scan.pixels, "{eighths}/8: the pixels differ");
        }
    }

    #[test]
    fn a_progressive_file_cut_inside_a_scan_passed_over_is_still_cut_short() {
        let data = fixture("progressive.jpg");
        let options = Options { eighths: 1, ..Options::default() };
        // Inside the last scan, the brightness refinement, which 1/8 passes over.
        let cut = &data[..data.len() - 2_000];
        assert!(matches!(decode(cut, &options), Err(Error::Truncated)));
    }
}
