//! GIF: walks the blocks to count frames and find comments, transparency and XMP.

use super::{ColorModel, Container, le16, text};
use crate::{
    Dimensions,
    error::{Error, Result},
    format::ImageFormat,
    metadata::{Comment, MetadataBlocks},
};

pub fn read(bytes: &[u8]) -> Result<Container> {
    let truncated = || Error::truncated("GIF");
    let stored = Dimensions::new(le16(bytes, 6).ok_or_else(truncated)?.into(), le16(bytes, 8).ok_or_else(truncated)?.into());
    let packed = *bytes.get(10).ok_or_else(truncated)?;
    let mut pos = 13 + color_table_len(packed);
    let mut blocks = MetadataBlocks::default();
    let (mut frames, mut transparent, mut interlaced) = (0u32, false, false);
    while let Some(&introducer) = bytes.get(pos) {
        match introducer {
            0x21 => {
                let label = *bytes.get(pos + 1).ok_or_else(truncated)?;
                let (data, next) = sub_blocks(bytes, pos + 2);
                match label {
                    0xF9 => transparent |= data.get(1).is_some_and(|flags| flags & 1 == 1),
                    0xFE => blocks.comments.push(Comment { keyword: None, text: text(&data) }),
                    // XMP's application extension stores the packet raw, not as sub-blocks,
                    // followed by a "magic trailer" (01 FF FE ... 00) that lets decoders which
                    // read it as sub-blocks skip it.
                    0xFF if data.starts_with(b"XMP DataXMP") => {
                        let raw = &bytes[(pos + 14).min(next)..next];
                        let end = raw.windows(3).position(|w| w == [0x01, 0xFF, 0xFE]).unwrap_or(raw.len());
                        blocks.xmp.push(text(&raw[..end]));
                    }
                    _ => {}
                }
                pos = next;
            }
            0x2C => {
                frames += 1;
                let flags = *bytes.get(pos + 9).ok_or_else(truncated)?;
                interlaced |= frames == 1 && flags & 0x40 != 0;
                // Descriptor, local colour table, LZW code size, then the image data sub-blocks.
                let data_at = pos + 10 + color_table_len(flags) + 1;
                if data_at > bytes.len() {
                    return Err(truncated());
                }
                pos = skip_sub_blocks(bytes, data_at);
            }
            0x3B => break,
            _ if frames > 0 => break, // trailing junk after a complete image
            _ => return Err(Error::malformed("The GIF's block structure is damaged.")),
        }
    }
    if frames == 0 {
        return Err(Error::truncated("GIF"));
    }
    Ok(Container {
        format: ImageFormat::Gif,
        stored,
        bit_depth: 8,
        color_model: ColorModel::Palette,
        has_alpha: transparent,
        frame_count: frames,
        progressive: interlaced,
        lossy: false,
        blocks,
    })
}

fn color_table_len(flags: u8) -> usize {
    if flags & 0x80 != 0 { 3 << ((flags & 7) + 1) } else { 0 }
}

/// Joins a chain of length-prefixed sub-blocks, returning the data and the position after it.
fn sub_blocks(bytes: &[u8], mut pos: usize) -> (Vec<u8>, usize) {
    let mut data = Vec::new();
    while let Some(&len) = bytes.get(pos) {
        pos += 1;
        if len == 0 {
            break;
        }
        let end = (pos + usize::from(len)).min(bytes.len());
        data.extend_from_slice(&bytes[pos..end]);
        pos = end;
    }
    (data, pos)
}

fn skip_sub_blocks(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(&len) = bytes.get(pos) {
        pos += 1 + usize::from(len);
        if len == 0 {
            break;
        }
    }
    pos
}
